// Category and badge filters with their counts, and the sort order: links that change the URL state.
import Link from 'next/link';
import type { FacetOption } from '@/lib/catalog/catalog';
import { catalogHref, searchTerms, type CatalogParams, type CatalogSort } from '@/lib/catalog/search-query';

function FacetList({
  label,
  options,
  selected,
  hrefFor,
}: {
  label: string;
  options: FacetOption[];
  selected: string;
  hrefFor: (name: string) => string;
}) {
  // A chosen tag with no matches under the current search still shows, so it can be cleared.
  const shown = selected && !options.some((o) => o.name === selected) ? [...options, { name: selected, title: selected, color: '#4b5563', count: 0 }] : options;
  if (shown.length === 0) return null;
  const item = 'flex items-center justify-between gap-2 rounded px-2 py-1 text-sm hover:bg-gray-100';
  return (
    <nav aria-label={label}>
      <h2 className="mb-1 text-sm font-semibold text-gray-900">{label}</h2>
      <ul className="space-y-0.5">
        <li>
          <Link href={hrefFor('')} aria-current={selected === '' ? 'true' : undefined} className={`${item} ${selected === '' ? 'bg-blue-50 font-semibold text-blue-900' : 'text-gray-800'}`}>
            All
          </Link>
        </li>
        {shown.map((option) => (
          <li key={option.name}>
            <Link
              href={hrefFor(option.name)}
              aria-current={selected === option.name ? 'true' : undefined}
              data-testid={`facet-${option.name}`}
              className={`${item} ${selected === option.name ? 'bg-blue-50 font-semibold text-blue-900' : 'text-gray-800'}`}
            >
              <span className="flex min-w-0 items-center gap-1.5">
                <span aria-hidden="true" className="h-2 w-2 shrink-0 rounded-full" style={{ backgroundColor: option.color }} />
                <span className="truncate">{option.title}</span>
              </span>
              <span className="text-xs text-gray-700" data-testid="facet-count">
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

export function CatalogFilters({ params, categories, badges }: { params: CatalogParams; categories: FacetOption[]; badges: FacetOption[] }) {
  return (
    <div className="space-y-5">
      <FacetList label="Categories" options={categories} selected={params.category} hrefFor={(category) => catalogHref(params, { category, page: 1 })} />
      <FacetList label="Badges" options={badges} selected={params.badge} hrefFor={(badge) => catalogHref(params, { badge, page: 1 })} />
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
