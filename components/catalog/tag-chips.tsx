// Category and badge chips of an app (authorization tags are not shown here); the tag's colour is shown
// as a dot so text contrast never depends on it.
import type { TagChip } from '@/lib/tags/chip';

export function TagChips({ tags }: { tags: Pick<TagChip, 'name' | 'title' | 'color' | 'kind'>[] }) {
  const categories = tags.filter((t) => t.kind === 'category');
  const badges = tags.filter((t) => t.kind === 'badge');
  if (categories.length === 0 && badges.length === 0) return null;
  return (
    <ul className="chips" aria-label="Categories and badges">
      {categories.map((tag) => (
        <li key={`c-${tag.name}`} className="chip-category">
          <span aria-hidden="true" className="dot" style={{ backgroundColor: tag.color }} />
          <span className="sr-only">Category: </span>
          {tag.title}
        </li>
      ))}
      {badges.map((tag) => (
        <li key={`b-${tag.name}`} className="chip-badge">
          <span aria-hidden="true" className="dot rounded-sm" style={{ backgroundColor: tag.color }} />
          <span className="sr-only">Badge: </span>
          {tag.title}
        </li>
      ))}
    </ul>
  );
}
