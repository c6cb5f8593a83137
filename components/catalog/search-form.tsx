// The catalog's search box: a GET form, so results have a URL and work without JavaScript. With JavaScript it is
// next/form's: a search navigates in place (the page's part rendered again, not the whole document with its
// layout; issue 15), never prefetching.
import Form from 'next/form';
import type { CatalogParams } from '@/lib/catalog/search-query';
import { MAX_QUERY_LENGTH } from '@/lib/catalog/search-query';

export function SearchForm({ params }: { params: CatalogParams }) {
  return (
    <Form role="search" action="/" prefetch={false} className="flex w-full max-w-xl gap-2">
      <label htmlFor="catalog-search" className="sr-only">
        Search apps
      </label>
      <input
        id="catalog-search"
        type="search"
        name="q"
        defaultValue={params.q}
        maxLength={MAX_QUERY_LENGTH}
        placeholder="Search apps"
        className="block w-full rounded-md border border-gray-400 bg-white px-3 py-2 text-gray-900 shadow-sm focus:border-blue-700"
      />
      {params.categories.map((category) => (
        <input key={category} type="hidden" name="category" value={category} />
      ))}
      {params.badge && <input type="hidden" name="badge" value={params.badge} />}
      <button type="submit" className="rounded-md bg-blue-700 px-4 py-2 text-sm font-medium text-white hover:bg-blue-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-700">
        Search
      </button>
    </Form>
  );
}
