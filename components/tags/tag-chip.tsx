// A tag as a small coloured label; the text colour is chosen for contrast with the tag's colour.
import type { TagChip as TagChipData } from '@/lib/tags/chip';
import { textColorFor } from '@/lib/tags/color';

/** A chip, or a whole tag row (the tag pages). */
type ChipTag = Pick<TagChipData, 'name' | 'title' | 'color'> & Partial<Pick<TagChipData, 'description'>>;

export function TagChip({ tag, className = '' }: { tag: ChipTag; className?: string }) {
  return (
    <span
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ${className}`}
      style={{ backgroundColor: tag.color, color: textColorFor(tag.color) }}
      title={tag.description || tag.name}
      data-tag={tag.name}
    >
      {tag.title}
    </span>
  );
}
