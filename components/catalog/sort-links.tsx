// The catalog's sort order: links that change the URL state (followed in place by the results: in-place-links.ts).
import { catalogHref, searchTerms, type CatalogParams, type CatalogSort } from '@/lib/catalog/search-query';

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
        <a
          key={s.value}
          href={catalogHref(params, { sort: s.value, page: 1 })}
          aria-current={params.sort === s.value ? 'true' : undefined}
          className={`rounded px-2 py-1 ${params.sort === s.value ? 'bg-blue-50 font-semibold text-blue-900' : 'text-gray-800 hover:bg-gray-100'}`}
        >
          {s.label}
        </a>
      ))}
    </nav>
  );
}
