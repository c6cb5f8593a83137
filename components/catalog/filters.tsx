// Category and badge filters with their counts, and the sort order: links that change the URL state.
import Link from 'next/link';
import type { FacetOption } from '@/lib/catalog/catalog';
import { FacetList, type FacetLink } from './facet-list';
import { FiltersPanel } from './filters-panel';
import { catalogHref, searchTerms, toggleCategory, type CatalogParams, type CatalogSort } from '@/lib/catalog/search-query';

/** The options with their links; a chosen tag with no matches under the current search still shows, so it can be cleared. */
function links(options: FacetOption[], chosen: string[], hrefFor: (name: string) => string): FacetLink[] {
  const missing = chosen.filter((name) => !options.some((o) => o.name === name)).map((name) => ({ name, title: name, color: '#4b5563', count: 0 }));
  return [...options, ...missing].map((o) => ({ ...o, href: hrefFor(o.name), ...(chosen.includes(o.name) ? { chosen: true } : {}) }));
}

/**
 * Categories combine (an app in any chosen one matches: each link adds or removes its category); one badge
 * at a time. The column is there whenever tags are shown, even with nothing to list, so the results do not
 * move sideways from one search to the next.
 */
export function CatalogFilters({ params, categories, badges }: { params: CatalogParams; categories: FacetOption[]; badges: FacetOption[] }) {
  const categoryLinks = links(categories, params.categories, (name) => catalogHref(params, { categories: toggleCategory(params.categories, name), page: 1 }));
  const badgeLinks = links(badges, params.badge ? [params.badge] : [], (badge) => catalogHref(params, { badge, page: 1 }));
  return (
    <FiltersPanel chosen={params.categories.length + (params.badge ? 1 : 0)}>
      <div className="space-y-5">
        <FacetList label="Categories" options={categoryLinks} clearHref={catalogHref(params, { categories: [], page: 1 })} />
        <FacetList label="Badges" options={badgeLinks} clearHref={catalogHref(params, { badge: '', page: 1 })} />
        {categoryLinks.length === 0 && badgeLinks.length === 0 && <p className="text-sm text-gray-700">No categories or badges for these results.</p>}
      </div>
    </FiltersPanel>
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
