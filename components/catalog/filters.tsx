// Category and badge filters with their counts, and the sort order: links that change the URL state.
import Link from 'next/link';
import type { FacetOption } from '@/lib/catalog/catalog';
import { FacetList, type FacetLink } from './facet-list';
import { catalogHref, searchTerms, type CatalogParams, type CatalogSort } from '@/lib/catalog/search-query';

/** The options with their links; a chosen tag with no matches under the current search still shows, so it can be cleared. */
function links(options: FacetOption[], selected: string, hrefFor: (name: string) => string): FacetLink[] {
  const shown = selected && !options.some((o) => o.name === selected) ? [...options, { name: selected, title: selected, color: '#4b5563', count: 0 }] : options;
  return shown.map((o) => ({ ...o, href: hrefFor(o.name) }));
}

export function CatalogFilters({ params, categories, badges }: { params: CatalogParams; categories: FacetOption[]; badges: FacetOption[] }) {
  return (
    <div className="space-y-5">
      <FacetList label="Categories" options={links(categories, params.category, (category) => catalogHref(params, { category, page: 1 }))} selected={params.category} clearHref={catalogHref(params, { category: '', page: 1 })} />
      <FacetList label="Badges" options={links(badges, params.badge, (badge) => catalogHref(params, { badge, page: 1 }))} selected={params.badge} clearHref={catalogHref(params, { badge: '', page: 1 })} />
    </div>
  );
}

const SORTS: { value: CatalogSort; label: string }[] = [
  { value: 'relevance', label: 'Relevance' },
  { value: 'updated', label: 'Recently updated' },
  { value: 'title', label: 'Title A–Z' },
];

export function SortLinks({ params }: { params: CatalogParams }) {
  const searching = searchTerms(params.q).length > 0;
  return (
    <nav aria-label="Sort" className="flex flex-wrap items-center gap-1 text-sm">
      <span className="text-gray-700">Sort:</span>
      {SORTS.filter((s) => s.value !== 'relevance' || searching).map((s) => (
        <Link
          key={s.value}
          href={catalogHref(params, { sort: s.value, page: 1 })}
          aria-current={params.sort === s.value ? 'true' : undefined}
          className={`rounded px-2 py-1 ${params.sort === s.value ? 'bg-blue-50 font-semibold text-blue-900' : 'text-gray-800 hover:bg-gray-100'}`}
        >
          {s.label}
        </Link>
      ))}
    </nav>
  );
}
