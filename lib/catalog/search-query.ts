// The catalog's URL state, normalized, and whether a query has words (for the URL and the page's
// wording; also used by client components). The words a search matches are search-terms.ts's.

/** Columns of app_search, in order; bm25 weights follow the same order. */
export const SEARCH_COLUMNS = ['name', 'title', 'description', 'long_description', 'tags'] as const;
/** A title hit counts most, then the Name, the short description, tags, and the long description. */
export const BM25_WEIGHTS = [6, 10, 3, 1, 2] as const;

export const MAX_TERMS = 8;
export const MAX_TERM_LENGTH = 64;
export const MAX_QUERY_LENGTH = 200;

/**
 * The words of a query, roughly as the unicode61 tokenizer sees them (runs of letters and digits): for
 * the URL state. The server matches FTS5's exact words (search-terms.ts, which needs SQLite).
 */
export function searchTerms(query: string): string[] {
  const words = query
    .normalize('NFKC')
    .slice(0, MAX_QUERY_LENGTH)
    .split(/[^\p{L}\p{N}\p{M}]+/u)
    .filter(Boolean)
    .map((w) => w.slice(0, MAX_TERM_LENGTH));
  return [...new Set(words)].slice(0, MAX_TERMS);
}

export type CatalogSort = 'relevance' | 'updated' | 'title';
export const PAGE_SIZE = 24;

/** At most this many categories are combined (any-of) in one URL. */
export const MAX_CATEGORIES = 10;

export interface CatalogParams {
  q: string;
  /** Categories chosen together: an app in any of them matches. Sorted, without duplicates. */
  categories: string[];
  badge: string;
  sort: CatalogSort;
  page: number;
}

type RawParams = Record<string, string | string[] | undefined>;

function first(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
}

/** Every value of a repeated parameter (`?category=a&category=b`), trimmed, without empties or duplicates, sorted. */
function all(value: string | string[] | undefined, max: number): string[] {
  const values = (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((v) => v.trim().slice(0, 100)).filter(Boolean);
  return [...new Set(values)].sort().slice(0, max);
}

/** `categories` with `name` added, or removed when it is already chosen. */
export function toggleCategory(categories: string[], name: string): string[] {
  return categories.includes(name) ? categories.filter((c) => c !== name) : [...categories, name].sort();
}

/**
 * The URL state, normalized: unknown sorts fall back to the default (relevance when searching,
 * recently updated otherwise), relevance without a query becomes recently updated, pages start at 1.
 */
export function parseCatalogParams(raw: RawParams): CatalogParams {
  const q = first(raw.q).slice(0, MAX_QUERY_LENGTH);
  const hasQuery = searchTerms(q).length > 0;
  const requested = first(raw.sort);
  let sort: CatalogSort = hasQuery ? 'relevance' : 'updated';
  if (requested === 'updated' || requested === 'title') sort = requested;
  const pageNumber = Number(first(raw.page));
  const page = Number.isSafeInteger(pageNumber) && pageNumber >= 1 && pageNumber <= 10_000 ? pageNumber : 1;
  return { q, categories: all(raw.category, MAX_CATEGORIES), badge: first(raw.badge).slice(0, 100), sort, page };
}

/** The catalog URL for `params` with `changes` applied; defaults are left out so URLs stay short. */
export function catalogHref(params: CatalogParams, changes: Partial<CatalogParams> = {}): string {
  const next = { ...params, ...changes };
  const query = new URLSearchParams();
  if (next.q) query.set('q', next.q);
  for (const category of next.categories) query.append('category', category);
  if (next.badge) query.set('badge', next.badge);
  const defaultSort = searchTerms(next.q).length > 0 ? 'relevance' : 'updated';
  if (next.sort !== defaultSort) query.set('sort', next.sort);
  if (next.page > 1) query.set('page', String(next.page));
  const s = query.toString();
  return s ? `/?${s}` : '/';
}
