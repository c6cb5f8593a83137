// The catalog page body: search, filters, sort, the cards, pagination and an empty state.
import Link from 'next/link';
import type { CatalogPage } from '@/lib/catalog/catalog';
import { searchTerms, type CatalogParams } from '@/lib/catalog/search-query';
import { catalogData } from './catalog-data';
import { CatalogResults } from './catalog-results';
import { Pagination } from './pagination';
import { SortLinks } from './sort-links';
import { SearchForm } from './search-form';

function EmptyState({ params, filtered, anonymous }: { params: CatalogParams; filtered: boolean; anonymous: boolean }) {
  return (
    <div className="rounded-lg border border-dashed border-gray-300 bg-white p-8 text-center" data-testid="catalog-empty">
      <h2 className="text-lg font-semibold">{filtered ? 'No apps match' : 'No apps yet'}</h2>
      <p className="mt-2 text-gray-700">
        {filtered ? (
          <>
            Nothing matches {params.q ? <>“{params.q}”</> : 'these filters'}. Try fewer or other words, or{' '}
            <Link prefetch={false} href="/" className="text-blue-800 underline">
              clear the search and filters
            </Link>
            .
          </>
        ) : anonymous ? (
          <>
            No public apps are published yet.{' '}
            <Link prefetch={false} href="/login" className="text-blue-800 underline">
              Sign in
            </Link>{' '}
            to see the apps shared with you.
          </>
        ) : (
          <>
            Apps appear here once they are imported with visibility ALL_USERS (see My Apps, or <code>appstore import</code>).
          </>
        )}
      </p>
    </div>
  );
}

/** `openUrls`: app version id → the running instance its card opens directly (MANAGED apps). */
export function CatalogView({
  params,
  result,
  anonymous,
  openUrls,
}: {
  params: CatalogParams;
  result: CatalogPage;
  anonymous: boolean;
  openUrls?: Map<string, string>;
}) {
  const filtered = searchTerms(params.q).length > 0 || (result.showTags && (params.categories.length > 0 || !!params.badge));
  return (
    <div className="space-y-5">
      <a href="#catalog-results" className="sr-only focus:not-sr-only focus:inline-block focus:rounded focus:bg-white focus:px-2 focus:py-1 focus:text-blue-800 focus:underline">
        Skip to results
      </a>
      {anonymous && (
        <p className="rounded-md border border-blue-200 bg-blue-50 px-4 py-3 text-sm text-blue-950">
          You are browsing the public apps.{' '}
          <Link prefetch={false} href="/login" className="font-medium underline">
            Sign in
          </Link>{' '}
          to see more.
        </p>
      )}
      <SearchForm params={params} />
      <CatalogResults
        params={params}
        showTags={result.showTags}
        {...catalogData(result, result.showTags ? params : { categories: [], badge: '' }, openUrls)}
        heading={
          <div className="flex flex-wrap items-center justify-between gap-2">
            <h2 id="catalog-results" tabIndex={-1} className="text-sm font-medium text-gray-800" aria-live="polite" data-testid="catalog-total">
              {result.total === 1 ? '1 app' : `${result.total} apps`}
            </h2>
            <SortLinks params={params} />
          </div>
        }
        empty={result.cards.length === 0 ? <EmptyState params={params} filtered={filtered} anonymous={anonymous} /> : null}
        pagination={<Pagination params={params} page={result.page} pageCount={result.pageCount} />}
      />
    </div>
  );
}

