// The legacy `Category = "Data Science"` of app.toml (half of the real apps set it): on import it becomes
// the category tag whose name or title matches, or a warning naming the category tags that exist.
import type { Tag } from '@/db/schema';
import type { Problem } from '@/lib/errors';

type CategoryTag = Pick<Tag, 'id' | 'name' | 'title' | 'isCategory'>;

/** "Data Science", "data-science" and "data_science" are the same category. */
const squash = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

export interface LegacyCategoryMatch {
  /** The tag to assign, or null. */
  tagId: string | null;
  /** What the importer reads about it (replaces the generic "legacy attribute" warning). */
  warning: Problem;
}

/**
 * Matches `category` against the category tags (exact name first, then name or title ignoring case, spaces
 * and punctuation). `mayAssign` says whether the importer may assign a tag; `alreadyAssigned` says the
 * tag came in through App.Tags as well.
 */
export function matchLegacyCategory<T extends CategoryTag>(
  category: string,
  allTags: T[],
  mayAssign: (tag: T) => boolean,
  path = 'App.Category',
): LegacyCategoryMatch {
  const categories = allTags.filter((t) => t.isCategory).sort((a, b) => a.name.localeCompare(b.name));
  const wanted = squash(category);
  const tag =
    categories.find((t) => t.name === category) ??
    categories.find((t) => squash(t.name) === wanted) ??
    categories.find((t) => squash(t.title) === wanted);
  const quoted = JSON.stringify(category);
  if (tag && mayAssign(tag)) {
    return {
      tagId: tag.id,
      warning: {
        path,
        message: `Category ${quoted} is a legacy attribute: the category tag ${tag.name} ("${tag.title}") was assigned for it. Write Tags = ["${tag.name}"] instead.`,
      },
    };
  }
  if (tag) {
    return {
      tagId: null,
      warning: { path, message: `Category ${quoted} matches the category tag ${tag.name}, which you may not assign; it was not assigned.` },
    };
  }
  const existing =
    categories.length === 0
      ? 'This portal has no category tags yet.'
      : `The category tags on this portal are: ${categories.map((t) => (t.title === t.name ? t.name : `${t.name} ("${t.title}")`)).join(', ')}; name one in App.Tags.`;
  return {
    tagId: null,
    warning: { path, message: `Category ${quoted} is a legacy attribute and matches no category tag; no category was assigned. ${existing}` },
  };
}
