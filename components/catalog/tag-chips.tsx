// Category and badge chips of an app (authorization tags are not shown here); the tag's colour is shown
// as a dot so text contrast never depends on it.
import type { TagChip } from '@/lib/tags/chip';

export function TagChips({ tags }: { tags: TagChip[] }) {
  const categories = tags.filter((t) => t.kind === 'category');
  const badges = tags.filter((t) => t.kind === 'badge');
  if (categories.length === 0 && badges.length === 0) return null;
  return (
    <ul className="flex flex-wrap gap-1.5" aria-label="Categories and badges">
      {categories.map((tag) => (
        <li key={`c-${tag.name}`} className="inline-flex items-center gap-1 rounded-full border border-gray-300 bg-white px-2 py-0.5 text-xs text-gray-800">
          <span aria-hidden="true" className="h-2 w-2 rounded-full" style={{ backgroundColor: tag.color }} />
          <span className="sr-only">Category: </span>
          {tag.title}
        </li>
      ))}
      {badges.map((tag) => (
        <li key={`b-${tag.name}`} className="inline-flex items-center gap-1 rounded-md bg-gray-100 px-2 py-0.5 text-xs font-medium text-gray-800">
          <span aria-hidden="true" className="h-2 w-2 rounded-sm" style={{ backgroundColor: tag.color }} />
          <span className="sr-only">Badge: </span>
          {tag.title}
        </li>
      ))}
    </ul>
  );
}
