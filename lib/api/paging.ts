// How /api/v1's lists page: `limit` items (default 100, at most API_PAGE_MAX) from `offset` (default 0), in an order
// that never changes between calls. The answer stays a plain array; a client follows pages by moving `offset` on by
// the number it received until a page comes back shorter than `limit` (the CLI does).
import { z } from 'zod';

export const API_PAGE_DEFAULT = 100;
export const API_PAGE_MAX = 500;

const count = (fallback: number) => z.coerce.number<string>().int().min(0, 'must be a non-negative integer').default(fallback);

/** The query fields of a paged list, to spread into its zod query schema. */
export const pagingQuery = {
  limit: count(API_PAGE_DEFAULT).transform((n) => Math.min(n, API_PAGE_MAX)),
  offset: count(0),
};

export interface Paging {
  limit: number;
  offset: number;
}
