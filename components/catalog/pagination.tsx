// Previous/next links between catalog pages; the URL holds the page so Back works. Followed in place by the
// results (in-place-links.ts).
import { catalogHref, type CatalogParams } from '@/lib/catalog/search-query';

export function Pagination({ params, page, pageCount }: { params: CatalogParams; page: number; pageCount: number }) {
  if (pageCount <= 1) return null;
  const link = 'rounded-md border border-gray-300 bg-white px-3 py-1.5 text-sm text-gray-900 hover:bg-gray-100';
  return (
    <nav aria-label="Pagination" className="flex items-center justify-center gap-3">
      {page > 1 ? (
        <a href={catalogHref(params, { page: page - 1 })} rel="prev" className={link}>
          Previous
        </a>
      ) : (
        <span className={`${link} cursor-not-allowed opacity-50`} aria-disabled="true">Previous</span>
      )}
      <span className="text-sm text-gray-700" aria-current="page">
        Page {page} of {pageCount}
      </span>
      {page < pageCount ? (
        <a href={catalogHref(params, { page: page + 1 })} rel="next" className={link}>
          Next
        </a>
      ) : (
        <span className={`${link} cursor-not-allowed opacity-50`} aria-disabled="true">Next</span>
      )}
    </nav>
  );
}
