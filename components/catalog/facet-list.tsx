// One facet (categories or badges) with its counts: links that change the URL state. Rendered inside the
// catalog's client component, so each option is sent once as data and its link is built here (a plain
// anchor the results follow in place: in-place-links.ts).
import type { FacetTag } from './catalog-data';

/** An option with the link that chooses it (or, for a chosen category, leaves it out) and whether it is chosen. */
export type FacetLink = FacetTag & { href: string; chosen: boolean };

export function FacetList({ label, options, clearHref }: { label: string; options: FacetLink[]; clearHref: string }) {
  if (options.length === 0) return null;
  return (
    <nav aria-label={label}>
      <h2 className="mb-1 text-sm font-semibold text-gray-900">{label}</h2>
      <ul className="space-y-0.5">
        <li>
          <a href={clearHref} aria-current={options.some((o) => o.chosen) ? undefined : 'true'} className="facet">
            All
          </a>
        </li>
        {options.map((option) => (
          <li key={option.name}>
            <a
              href={option.href}
              aria-current={option.chosen ? 'true' : undefined}
              className="facet"
              style={{ '--c': option.color } as React.CSSProperties}
            >
              <span className="facet-name">{option.title}</span>
              <span className="facet-count">
                <span className="sr-only">, apps: </span>
                {option.count}
              </span>
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
