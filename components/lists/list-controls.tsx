// The search-and-sort form above a paged list (My Apps, the administrators' Apps and Users) and the
// pagination below it. Both are plain links and a GET form: the URL holds the state, so a list can be
// shared, reloaded and gone back to.
import Link from 'next/link';
import type { ReactNode } from 'react';
import { buttonClass, secondaryButtonClass } from '@/components/ui/field';

export const controlClass = 'mt-1 block w-full rounded-md border border-gray-400 bg-white px-3 py-2 text-sm text-gray-900';

export function ListSearchForm({
  action,
  label,
  idPrefix,
  q,
  searchHint,
  sort,
  sorts,
  active,
  children,
}: {
  action: string;
  label: string;
  idPrefix: string;
  q: string;
  searchHint: string;
  sort: string;
  sorts: readonly { value: string; label: string }[];
  /** Something differs from the plain list: offer to clear it. */
  active: boolean;
  /** Further filters (selects), between the search and the sort. */
  children?: ReactNode;
}) {
  return (
    <form
      method="get"
      action={action}
      role="search"
      aria-label={label}
      className="grid grid-cols-2 gap-3 rounded-lg border border-gray-200 bg-white p-3 sm:p-4 lg:flex lg:flex-wrap lg:items-end"
    >
      <div className="col-span-2 lg:min-w-64 lg:flex-1">
        <label htmlFor={`${idPrefix}-q`} className="block text-sm font-medium">
          Search
        </label>
        <input
          id={`${idPrefix}-q`}
          name="q"
          type="search"
          defaultValue={q}
          placeholder={searchHint}
          maxLength={100}
          className={controlClass}
        />
      </div>
      {children}
      <div>
        <label htmlFor={`${idPrefix}-sort`} className="block text-sm font-medium">
          Sort by
        </label>
        <select id={`${idPrefix}-sort`} name="sort" defaultValue={sort} className={controlClass}>
          {sorts.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
      <div className="flex items-end gap-2">
        <button type="submit" className={buttonClass}>
          Apply
        </button>
        {active && (
          <Link prefetch={false} href={action} className={secondaryButtonClass}>
            Clear
          </Link>
        )}
      </div>
    </form>
  );
}

/** "21–23 of 23 users", for the list's status line. */
export function rangeText(page: number, pageSize: number, shown: number, total: number, noun: [string, string]): string {
  if (total === 0) return `No ${noun[1]}`;
  const first = (page - 1) * pageSize + 1;
  return `${first}–${first + shown - 1} of ${total} ${total === 1 ? noun[0] : noun[1]}`;
}

export function ListPagination({ page, pageCount, href, label }: { page: number; pageCount: number; href: (page: number) => string; label: string }) {
  if (pageCount <= 1) return null;
  const link = 'rounded-md border border-gray-400 bg-white px-3 py-1.5 text-sm text-gray-900 hover:bg-gray-100';
  const off = `${link} cursor-not-allowed opacity-60`;
  return (
    <nav aria-label={label} className="flex flex-wrap items-center justify-center gap-3">
      {page > 1 ? (
        <Link prefetch={false} href={href(page - 1)} rel="prev" className={link}>
          Previous
        </Link>
      ) : (
        <span className={off} aria-disabled="true">
          Previous
        </span>
      )}
      <span className="text-sm text-gray-700" aria-current="page">
        Page {page} of {pageCount}
      </span>
      {page < pageCount ? (
        <Link prefetch={false} href={href(page + 1)} rel="next" className={link}>
          Next
        </Link>
      ) : (
        <span className={off} aria-disabled="true">
          Next
        </span>
      )}
    </nav>
  );
}
