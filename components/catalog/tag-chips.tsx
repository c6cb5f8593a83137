// Category and badge chips of an app (authorization tags are not shown here), in two labelled lists so a
// screen reader says which is which; the tag's colour is a dot drawn by CSS (`--c`), so text contrast
// never depends on it and no extra element is sent per chip.
import type { TagChip } from '@/lib/tags/chip';

type Chip = Pick<TagChip, 'name' | 'title' | 'color' | 'kind'>;

function ChipList({ label, kind, tags }: { label: string; kind: 'category' | 'badge'; tags: Chip[] }) {
  if (tags.length === 0) return null;
  return (
    <ul className="chip-list" aria-label={label}>
      {tags.map((tag) => (
        <li key={tag.name} className={`chip-${kind}`} style={{ '--c': tag.color } as React.CSSProperties}>
          {tag.title}
        </li>
      ))}
    </ul>
  );
}

export function TagChips({ tags }: { tags: Chip[] }) {
  const categories = tags.filter((t) => t.kind === 'category');
  const badges = tags.filter((t) => t.kind === 'badge');
  if (categories.length === 0 && badges.length === 0) return null;
  return (
    <div className="chips">
      <ChipList label="Categories" kind="category" tags={categories} />
      <ChipList label="Badges" kind="badge" tags={badges} />
    </div>
  );
}
