'use client';
// One facet (categories or badges) with its counts: links that change the URL state. A client component so
// that each option is sent once as data (name, title, colour, count, link) rather than as a second copy
// of its element tree in the React payload (issue 15: the page weight).
import Link from 'next/link';
import type { FacetOption } from '@/lib/catalog/catalog';

/** An option with the link that chooses it (or, for a chosen category, leaves it out) and whether it is chosen. */
export type FacetLink = FacetOption & { href: string; chosen?: boolean };

export function FacetList({ label, options, clearHref }: { label: string; options: FacetLink[]; clearHref: string }) {
  if (options.length === 0) return null;
  const none = !options.some((o) => o.chosen);
  return (
    <nav aria-label={label}>
      <h2 className="mb-1 text-sm font-semibold text-gray-900">{label}</h2>
      <ul className="space-y-0.5">
        <li>
          <Link href={clearHref} aria-current={none ? 'true' : undefined} className="facet">
            All
          </Link>
        </li>
        {options.map((option) => (
          <li key={option.name}>
            <Link href={option.href} aria-current={option.chosen ? 'true' : undefined} data-testid={`facet-${option.name}`} className="facet">
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
