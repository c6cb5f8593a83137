// A page of one audience's cards from its in-memory index (head-index.ts): the filters (any of the chosen
// categories, and the badge), the facet counts (of many matches: tag-sets.ts), a search's matches and ranks
// (search-walk.ts), the sort and the page, computed over typed arrays. Everything here works on an index the caller chose behind the
// authorization layer (catalog.ts); it reads no viewer.
import 'server-only';
import { denseTerm, firstByRank, isDense } from './dense-terms';
import { searchOf, type HeadIndex } from './head-index';
import { searchDocuments, termRange } from './search-walk';
import { filterBits, filterBySets, popcount, tagSetsOf, type Filtered } from './tag-sets';

export interface IndexQuery {
  /** The query's words (search-terms.ts) and whether tag names are searched; null for no search. */
  search: { terms: string[]; includeTags: boolean } | null;
  /** Any of these categories (none: no category filter). */
  categories: string[];
  badge: string;
  sort: 'relevance' | 'updated' | 'title';
  /** The lower-cased query, for the exact-title boost. */
  exact: string;
  page: number;
  pageSize: number;
}

export interface IndexResult {
  total: number;
  page: number;
  pageCount: number;
  appIds: string[];
  categories: { name: string; title: string; color: string; count: number }[];
  badges: { name: string; title: string; color: string; count: number }[];
}

/** The tags named `names` of one kind, as a mask over tag indexes; null for no filter. A name that is no such tag matches nothing. */
function tagsNamed(index: HeadIndex, names: string[], kind: 'isCategory' | 'isBadge'): Uint8Array | null {
  if (names.length === 0) return null;
  const wanted = new Set(names);
  return Uint8Array.from(index.tags, (t) => (wanted.has(t.name) && t[kind] ? 1 : 0));
}

function hasAnyTag(index: HeadIndex, head: number, tags: Uint8Array): boolean {
  for (let j = index.tagStart[head]; j < index.tagStart[head + 1]; j++) if (tags[index.tagList[j]]) return true;
  return false;
}


/**
 * Per index: the filter results of pages without a search (`/`, a category, a badge), which are the same for
 * every request of the audience until the catalog changes (the index is then replaced, and they with it), at
 * most FILTERS_KEPT of them holding at most FILTERED_HEADS_KEPT times the index's heads together, least
 * recently used out (every category of a catalog fits: they take turns in real traffic); and the array a
 * search's selection is gathered in.
 */
const FILTERS_KEPT = 64;
const FILTERED_HEADS_KEPT = 4;
const perIndex = new WeakMap<HeadIndex, { filtered: Map<string, Filtered>; selected: Int32Array; exact: Map<string, number[]> | null }>();

function stateOf(index: HeadIndex) {
  let state = perIndex.get(index);
  if (!state) {
    state = { filtered: new Map(), selected: new Int32Array(index.appIds.length), exact: null };
    perIndex.set(index, state);
  }
  return state;
}

/** SQLite's lower() (without ICU): ASCII letters only, as catalog.ts compares lower(apps.name) in SQL. */
export function sqliteLower(s: string): string {
  return s.replace(/[A-Z]+/g, (upper) => upper.toLowerCase());
}

/** The heads whose lower-cased title or name is `exact` (relevance's exact-title boost), from a map built once. */
function exactHeads(index: HeadIndex, state: ReturnType<typeof stateOf>, exact: string): readonly number[] {
  if (!state.exact) {
    const map = new Map<string, number[]>();
    const add = (key: string, head: number) => {
      const list = map.get(key);
      if (!list) map.set(key, [head]);
      else if (list[list.length - 1] !== head) list.push(head);
    };
    for (let head = 0; head < index.appIds.length; head++) {
      add(index.sortTitles[head], head);
      add(sqliteLower(index.names[head]), head);
    }
    state.exact = map;
  }
  return state.exact.get(exact) ?? [];
}

/**
 * The heads (of `heads`, ascending, or of every head) in the chosen categories and with the badge, and
 * the facet counts (categories follow the badge filter, badges the category filter), into `into`.
 */
function filter(index: HeadIndex, heads: Int32Array | null, q: Pick<IndexQuery, 'categories' | 'badge'>, into: Int32Array): Filtered {
  const category = tagsNamed(index, q.categories, 'isCategory');
  const badge = tagsNamed(index, q.badge ? [q.badge] : [], 'isBadge');
  const { tagStart, tagList } = index;
  const n = heads ? heads.length : index.appIds.length;
  if (category === null && badge === null) {
    // No filter: every head is selected and both facets count the same heads (one array serves both).
    const counts = new Int32Array(index.tags.length);
    for (let i = 0; i < n; i++) {
      const head = heads ? heads[i] : i;
      for (let j = tagStart[head], end = tagStart[head + 1]; j < end; j++) counts[tagList[j]]++;
      into[i] = head;
    }
    return { selected: into.subarray(0, n), categoryCounts: counts, badgeCounts: counts };
  }
  const categoryCounts = new Int32Array(index.tags.length);
  const badgeCounts = new Int32Array(index.tags.length);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const head = heads ? heads[i] : i;
    const inCategory = category === null || hasAnyTag(index, head, category);
    const inBadge = badge === null || hasAnyTag(index, head, badge);
    if (!inCategory && !inBadge) continue;
    for (let j = tagStart[head]; j < tagStart[head + 1]; j++) {
      const t = tagList[j];
      if (inBadge) categoryCounts[t]++;
      if (inCategory) badgeCounts[t]++;
    }
    if (inCategory && inBadge) into[count++] = head;
  }
  return { selected: into.subarray(0, count), categoryCounts, badgeCounts };
}

/**
 * filter() over a search's matches (ascending): their own tag lists, or each facet tag's count over bitsets
 * (tag-sets.ts) when walking the matches' tag lists would take more steps (a search matching a large share of
 * the catalog). `by` forces one way (for tests). Only facet tags' counts of their own kind are the same both
 * ways (the only ones a page shows).
 */
export function filterMatches(index: HeadIndex, heads: Int32Array, q: Pick<IndexQuery, 'categories' | 'badge'>, by: 'auto' | 'lists' | 'sets' = 'auto'): Filtered {
  const state = stateOf(index);
  // The steps of each way: the matches' tag list entries, walked once more per filter (hasAnyTag); the sets'
  // words or entries of every facet tag, and setting the matches' bits (a step per few matches). Measured
  // at 100,000 apps, a step of each takes about as long.
  const filters = 1 + (q.categories.length > 0 ? 1 : 0) + (q.badge ? 1 : 0);
  const walk = (filters * heads.length * index.tagList.length) / Math.max(1, index.appIds.length);
  const useSets = by === 'sets' || (by === 'auto' && walk > tagSetsOf(index).cost + heads.length / 4);
  if (!useSets) return filter(index, heads, q, state.selected);
  const category = tagsNamed(index, q.categories, 'isCategory');
  const badge = tagsNamed(index, q.badge ? [q.badge] : [], 'isBadge');
  return filterBySets(index, heads, category, badge, state.selected);
}

/**
 * The filter's result over every head (a page without a search), kept per filter until the index is replaced,
 * least recently used out.
 */
function unsearched(index: HeadIndex, state: ReturnType<typeof stateOf>, q: Pick<IndexQuery, 'categories' | 'badge'>): Filtered {
  const key = JSON.stringify([q.categories, q.badge]);
  let filtered = state.filtered.get(key);
  if (filtered) state.filtered.delete(key); // most recently used last
  else {
    const found = filter(index, null, q, state.selected);
    filtered = { ...found, selected: found.selected.slice() }; // kept: a copy out of the scratch array
    let heads = filtered.selected.length;
    for (const entry of state.filtered.values()) heads += entry.selected.length;
    for (const [oldest, entry] of state.filtered) {
      if (state.filtered.size < FILTERS_KEPT && heads <= FILTERED_HEADS_KEPT * index.appIds.length) break;
      state.filtered.delete(oldest);
      heads -= entry.selected.length;
    }
  }
  state.filtered.set(key, filtered);
  return filtered;
}

/** A facet's options: its tags of `kind` with matches, in display order. */
function facetOf(index: HeadIndex, counts: Int32Array, kind: 'isCategory' | 'isBadge'): IndexResult['categories'] {
  return index.tags.flatMap((t, i) => (t[kind] && counts[i] > 0 ? [{ name: t.name, title: t.title, color: t.color, count: counts[i] }] : []));
}

/**
 * Filters (any of the chosen categories, and the badge), facet counts (categories follow the badge filter,
 * badges the category filter), sort and page. `dense` chooses how a search whose every word is common is
 * answered: over its words' bitsets and rank orders (denseSearch) when it applies ('auto'), always when it can
 * ('always', whatever the words' share: for tests) or never (the general path).
 */
export function queryIndex(index: HeadIndex, q: IndexQuery, dense: 'auto' | 'always' | 'never' = 'auto'): IndexResult {
  const state = stateOf(index);
  if (q.search && dense !== 'never') {
    const result = denseSearch(index, state, q, dense === 'always');
    if (result) return result;
  }
  let filtered: Filtered;
  let score: Float64Array | null = null;
  if (q.search) {
    const result = searchDocuments(searchOf(index), q.search.terms, { includeTags: q.search.includeTags });
    score = result.rank;
    filtered = filterMatches(index, result.docs, q); // ascending: recency order
  } else filtered = unsearched(index, state, q);
  const { selected, categoryCounts, badgeCounts } = filtered;

  const total = selected.length;
  const pageCount = Math.max(1, Math.ceil(total / q.pageSize));
  const page = Math.min(q.page, pageCount);
  const start = (page - 1) * q.pageSize;
  const { titleRank } = index;
  let ordered: ArrayLike<number> = selected; // recency order is the heads' order
  if (q.sort === 'title') ordered = firstInOrder(selected, start + q.pageSize, (a, b) => titleRank[a] - titleRank[b], titleRank);
  else if (q.sort === 'relevance' && score) {
    const rank = score;
    // The exact-title boost: the few heads whose title or name is the query come first (only those selected
    // are ever compared, so the others in the set change nothing).
    const boosted = new Set(exactHeads(index, state, q.exact));
    ordered = boosted.size
      ? firstInOrder(selected, start + q.pageSize, (a, b) => +!boosted.has(a) - +!boosted.has(b) || rank[a] - rank[b] || titleRank[a] - titleRank[b])
      : firstInOrder(selected, start + q.pageSize, (a, b) => rank[a] - rank[b] || titleRank[a] - titleRank[b], rank);
  }
  const appIds: string[] = [];
  for (let i = start; i < Math.min(start + q.pageSize, ordered.length); i++) appIds.push(index.appIds[ordered[i]]);
  return { total, page, pageCount, appIds, categories: facetOf(index, categoryCounts, 'isCategory'), badges: facetOf(index, badgeCounts, 'isBadge') };
}

/** Searches denseSearch answered, for tests. */
export const denseSearchStats = { answered: 0 };

/**
 * A search whose every word (an indexed word, or a prefix of several) is held by a large share of the catalog (dense-terms.ts), sorted by
 * relevance or recency: the matches are the AND of the words' bitsets, filtered and counted by popcounts
 * (tag-sets.ts), and the page is found without scoring every match (firstByRank), where the general path
 * costs steps for each of tens of thousands of matches. Null for any other search (the general path answers
 * it). Its pages are the general path's (index-query.test.ts).
 */
function denseSearch(index: HeadIndex, state: ReturnType<typeof stateOf>, q: IndexQuery, force: boolean): IndexResult | null {
  if (!q.search || q.search.terms.length === 0 || (q.sort !== 'relevance' && q.sort !== 'updated')) return null;
  const search = searchOf(index);
  const ranges: [number, number][] = [];
  for (const term of q.search.terms) {
    const range = termRange(search, term);
    if (!isDense(search, range[0], range[1], force)) return null;
    ranges.push(range);
  }
  const { includeTags } = q.search;
  const dense = ranges.map(([first, last]) => denseTerm(index, search, first, last, includeTags));
  const sets = tagSetsOf(index);
  let match = dense[0].bits;
  if (dense.length > 1) {
    match = sets.match;
    for (let w = 0; w < sets.words; w++) {
      let x = dense[0].bits[w];
      for (let i = 1; i < dense.length; i++) x &= dense[i].bits[w];
      match[w] = x;
    }
  }
  const category = tagsNamed(index, q.categories, 'isCategory');
  const badge = tagsNamed(index, q.badge ? [q.badge] : [], 'isBadge');
  // A word alone: its facet counts unfiltered are the word's own, worked out once; so are its category counts
  // under a category filter (categories follow the badge filter alone).
  const own = dense.length === 1 ? dense[0].facets : undefined;
  const alone = dense.length === 1 && !category && !badge;
  const { withCategory, withBadge, categoryCounts, badgeCounts } =
    alone && own ? { withCategory: match, withBadge: match, ...own } : filterBits(index, match, category, badge, own?.categoryCounts);
  if (alone) dense[0].facets ??= { categoryCounts, badgeCounts };
  // The selection: the matches in the categories and with the badge (the matches themselves when unfiltered).
  let selection = withCategory;
  if (withBadge !== withCategory) {
    selection = sets.selection;
    for (let w = 0; w < sets.words; w++) selection[w] = withCategory[w] & withBadge[w];
  }
  let total = 0;
  for (let w = 0; w < sets.words; w++) total += popcount(selection[w]);
  const selected = (head: number) => ((selection[head >>> 5] >>> (head & 31)) & 1) === 1;

  const pageCount = Math.max(1, Math.ceil(total / q.pageSize));
  const page = Math.min(q.page, pageCount);
  const start = (page - 1) * q.pageSize;
  const k = Math.min(start + q.pageSize, total);
  const ordered: number[] = [];
  if (q.sort === 'updated') {
    // Recency order is the heads' order: the first k selected.
    for (let w = 0; w < sets.words && ordered.length < k; w++) {
      for (let x = selection[w]; x !== 0 && ordered.length < k; x &= x - 1) ordered.push((w << 5) | (31 - Math.clz32(x & -x)));
    }
  } else {
    // The exact-title boost: the selected heads whose title or name is the query first, then the rest by rank.
    const boosted = exactHeads(index, state, q.exact).filter(selected);
    const { heads, rank } = firstByRank(index, dense, selection, Math.max(0, k - boosted.length), new Set(boosted));
    ordered.push(...boosted.sort((a, b) => rank(a) - rank(b) || index.titleRank[a] - index.titleRank[b]), ...heads);
  }
  const appIds: string[] = [];
  for (let i = start; i < Math.min(k, ordered.length); i++) appIds.push(index.appIds[ordered[i]]);
  denseSearchStats.answered++;
  return { total, page, pageCount, appIds, categories: facetOf(index, categoryCounts, 'isCategory'), badges: facetOf(index, badgeCounts, 'isBadge') };
}

/**
 * The first `k` of `items` in `compare` order (a total order): a bounded heap when k is small against the
 * items (a search's first page among tens of thousands of matches), a full sort otherwise. `key`, when
 * given, is the order's first key (compare(a, b) > 0 whenever key[a] > key[b]): an item whose key is above
 * the heap's worst is passed over without a call to `compare` (most items, once the heap is full).
 */
export function firstInOrder(items: ArrayLike<number>, k: number, compare: (a: number, b: number) => number, key?: ArrayLike<number>): number[] {
  if (k * 8 >= items.length) return Array.from(items).sort(compare);
  // A max-heap of the k best so far: its root is the worst of them.
  const heap: number[] = [];
  const siftDown = (i: number) => {
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (left < heap.length && compare(heap[left], heap[worst]) > 0) worst = left;
      if (right < heap.length && compare(heap[right], heap[worst]) > 0) worst = right;
      if (worst === i) return;
      [heap[i], heap[worst]] = [heap[worst], heap[i]];
      i = worst;
    }
  };
  let at = 0;
  for (; at < items.length && heap.length < k; at++) {
    heap.push(items[at]);
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (compare(heap[i], heap[parent]) <= 0) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }
  if (k > 0) {
    let worstKey = key ? key[heap[0]] : 0;
    for (; at < items.length; at++) {
      const item = items[at];
      if (key && key[item] > worstKey) continue;
      if (compare(item, heap[0]) < 0) {
        heap[0] = item;
        siftDown(0);
        if (key) worstKey = key[heap[0]];
      }
    }
  }
  return heap.sort(compare);
}
