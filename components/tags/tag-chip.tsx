// A tag as a small coloured label; the text colour is chosen for contrast with the tag's colour.
import { textColorFor } from '@/lib/tags/color';

export interface ChipTag {
  name: string;
  title: string;
  color: string;
  description?: string;
}

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
