// The URL state of the paged admin lists (My Apps, the administrators' Apps and Users): a search text, a
// sort key out of the list's own choices, and a page number. Malformed values fall back to the defaults,
// never an error, so that any shared link opens; links leave out what is at its default.

export type SearchParams = Record<string, string | string[] | undefined>;

export interface ListParams<S extends string> {
  q: string;
  sort: S;
  /** 1-based; may point past the last page (the page clamps it once the count is known). */
  page: number;
}

const one = (v: string | string[] | undefined) => (typeof v === 'string' ? v : '');

/** A search text longer than this is cut: nobody types it, and it bounds the LIKE patterns. */
export const MAX_SEARCH_LENGTH = 100;

export function parseListParams<S extends string>(params: SearchParams, sorts: readonly S[], defaultSort: S): ListParams<S> {
  const q = one(params.q).trim().slice(0, MAX_SEARCH_LENGTH);
  const sortParam = one(params.sort) as S;
  const sort = sorts.includes(sortParam) ? sortParam : defaultSort;
  const page = /^[1-9]\d{0,5}$/.test(one(params.page)) ? Number(one(params.page)) : 1;
  return { q, sort, page };
}

/** How many pages `total` rows fill (at least one, so an empty list is "page 1 of 1"). */
export const pageCountOf = (total: number, pageSize: number) => Math.max(1, Math.ceil(total / pageSize));

/** The page to show: `page`, or the last one when it points past the end. */
export const clampPage = (page: number, total: number, pageSize: number) => Math.min(page, pageCountOf(total, pageSize));

/**
 * The list at `path` with these parameters; empty values, page 1 and the default sort are left out, so the
 * plain path is the list's first page.
 */
export function listHref(path: string, values: Record<string, string | number | undefined>, defaults: { sort?: string } = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === '') continue;
    if (key === 'page' && Number(value) <= 1) continue;
    if (key === 'sort' && value === defaults.sort) continue;
    params.set(key, String(value));
  }
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

/** A LIKE pattern matching `text` anywhere, with LIKE's own wildcards taken literally (ESCAPE '\'). */
export const containsPattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
