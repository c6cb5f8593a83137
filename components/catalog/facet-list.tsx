'use client';
// One facet (categories or badges) with its counts: links that change the URL state. A client component so
// that each option is sent once as data (name, title, colour, count, link) rather than as a second copy
// of its element tree in the React payload (issue 15: the page weight).
import Link from 'next/link';
import type { FacetOption } from '@/lib/catalog/catalog';

export type FacetLink = FacetOption & { href: string };

export function FacetList({
  label,
  options,
  selected,
  clearHref,
}: {
  label: string;
  options: FacetLink[];
  selected: string;
  clearHref: string;
}) {
  if (options.length === 0) return null;
  return (
    <nav aria-label={label}>
      <h2 className="mb-1 text-sm font-semibold text-gray-900">{label}</h2>
      <ul className="space-y-0.5">
        <li>
          <Link href={clearHref} aria-current={selected === '' ? 'true' : undefined} className="facet">
            All
          </Link>
        </li>
        {options.map((option) => (
          <li key={option.name}>
            <Link
              href={option.href}
              aria-current={selected === option.name ? 'true' : undefined}
              data-testid={`facet-${option.name}`}
              className="facet"
            >
              <span className="facet-name">
                <span aria-hidden="true" className="dot" style={{ backgroundColor: option.color }} />
                <span className="truncate">{option.title}</span>
              </span>
              <span className="facet-count" data-testid="facet-count">
                <span className="sr-only">, apps: </span>
                {option.count}
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

