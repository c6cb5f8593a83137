// Common words of an audience's search index (search-index.ts) kept as bitsets over heads, each with its
// heads in the order of its bm25 term: a search whose every word is in a large share of the catalog (tens of
// thousands of cards at 100,000 apps) then counts and filters its matches by popcounts and finds its page by
// walking the words in rank order (Fagin's threshold algorithm) until no card not yet seen can rank above the
// page, instead of scoring every match (index-query.ts). Ranks are search-walk.ts's to the last bit.
import 'server-only';
import type { HeadIndex } from './head-index';
import { saturated, type SearchIndex } from './search-index';
import { idfOf, K1, normsOf, weighted, weightedExact, weightsOf } from './search-walk';
import { popcount } from './tag-sets';

/** A word is common when one head in DENSE_SHARE holds it (its bitset is then no larger than its postings). */
const DENSE_SHARE = 32;
/** Below this many heads every search is cheap enough without (a word's structures cost passes over every head to build). */
const DENSE_MIN_HEADS = 4096;
/**
 * The most bytes an index's common words take together, least recently used out, as a share of its postings'
 * (8 bytes a posting): each word takes 4 bytes a match, 2 a posting (4 with more than 65,536 groups of equal
 * terms) and n/4 bytes (n/8 more when tag names are not searched). At 100,000 apps the benchmark's 57 words take
 * two thirds of it (27 MB of 41).
 */
const DENSE_BYTES_SHARE = 1;

export interface DenseTerm {
  /** The heads holding the word in a column searched: the word's matches. */
  bits: Uint32Array;
  /** The heads with any posting of the word (`bits` itself when every column is searched), and per 32-bit word of it the postings before: a head's posting is found by a popcount. */
  postings: Uint32Array;
  before: Int32Array;
  /**
   * Per posting (per match for a prefix of several words): its group of equal bm25 terms, whose term is in
   * `values` (a card's term depends only on its weighted count and length: rankOrder). A term is then two array
   * reads, where working it out reads the index's counts and the cards' lengths, cache misses at 100,000 apps.
   */
  groupAt: Uint16Array | Uint32Array;
  values: Float64Array;
  /**
   * The matches by the word's bm25 term, best first, ties in title order: the order of a search for the word
   * alone; group g's matches are order[orderStart[g] .. orderStart[g + 1]) (a walk down it knows each one's term).
   */
  order: Int32Array;
  orderStart: Int32Array;
  /** The facet counts of the word's matches, unfiltered (a search for the word alone), once worked out (index-query.ts). */
  facets?: { categoryCounts: Int32Array; badgeCounts: Int32Array };
}

interface Dense {
  terms: Map<string, DenseTerm>;
  /** The heads in title order (built with the first word), and scratch of a word's build: each match's group, each head's summed count. */
  byTitle: Int32Array | null;
  groupOf: Int32Array;
  sum: Float64Array;
  /** What `terms` take together. */
  bytes: number;
  /** The heads a walk has seen (cleared after each). */
  seen: Uint32Array;
}
const perIndex = new WeakMap<HeadIndex, Dense>();

function denseOf(index: HeadIndex): Dense {
  let dense = perIndex.get(index);
  if (!dense) {
    const n = index.appIds.length;
    dense = { terms: new Map(), byTitle: null, groupOf: new Int32Array(n), sum: new Float64Array(n), bytes: 0, seen: new Uint32Array((n + 31) >>> 5) };
    perIndex.set(index, dense);
  }
  return dense;
}

/**
 * Whether the words terms[first .. last) (a query word's: itself, or every word it begins) are held by a large
 * enough share of the heads for their structures (`force`: whatever their share, for tests). Their postings are
 * contiguous, so their number bounds the heads.
 */
export function isDense(search: SearchIndex, first: number, last: number, force = false): boolean {
  const postings = search.start[last] - search.start[first];
  return last > first && (force || (search.size >= DENSE_MIN_HEADS && postings * DENSE_SHARE >= search.size));
}

const lowBits = (doc: number) => ((doc & 31) === 0 ? 0 : 0xffffffff >>> (32 - (doc & 31)));

/**
 * The structures of a query word for searches with or without tag names, built on first use and kept per index:
 * the word is terms[first .. last) of the index (one word, or every word it begins, whose weighted counts a
 * card's match sums, as searchPhrases does).
 */
export function denseTerm(index: HeadIndex, search: SearchIndex, first: number, last: number, includeTags: boolean): DenseTerm {
  const state = denseOf(index);
  const { terms } = state;
  const key = `${first}-${last}:${includeTags ? 1 : 0}`;
  let found = terms.get(key);
  if (found) {
    terms.delete(key); // most recently used last
    terms.set(key, found);
    return found;
  }
  found = last - first === 1 ? oneWord(index, search, first, includeTags) : prefixOfWords(index, search, first, last, includeTags);
  terms.set(key, found);
  state.bytes += bytesOf(found);
  for (const [oldest, kept] of terms) {
    if (state.bytes <= DENSE_BYTES_SHARE * 8 * search.docs.length || kept === found) break;
    terms.delete(oldest);
    state.bytes -= bytesOf(kept);
  }
  return found;
}

/** One indexed word: its postings are its matches (those in a column searched), in head order. */
function oneWord(index: HeadIndex, search: SearchIndex, term: number, includeTags: boolean): DenseTerm {
  const n = search.size;
  const words = (n + 31) >>> 5;
  const weights = weightsOf({ includeTags });
  const exact = search.overflow.size > 0;
  const begin = search.start[term];
  const end = search.start[term + 1];
  const postings = new Uint32Array(words);
  const bits = weights.every((w) => w > 0) ? postings : new Uint32Array(words);
  const f = new Float64Array(end - begin);
  let hits = 0;
  for (let p = begin; p < end; p++) {
    const doc = search.docs[p];
    postings[doc >>> 5] |= 1 << (doc & 31);
    f[p - begin] = exact && saturated(search.counts[p]) ? weightedExact(search, p, weights) : weighted(search.counts[p], weights);
    if (f[p - begin] === 0) continue; // only in a column not searched
    bits[doc >>> 5] |= 1 << (doc & 31);
    hits++;
  }
  const { order, groupAt, values, orderStart } = rankOrder(index, search, search.docs.subarray(begin, end), f, bits, hits, idfOf(n, hits));
  // `facets` given now: one object shape for every word.
  return { bits, postings, before: before(postings), groupAt, values, order, orderStart, facets: undefined };
}

/**
 * Every word terms[first .. last) (a prefix's): a card's weighted count is the sum of theirs, its matches the
 * cards with any of them, as searchPhrases counts them (the counts are whole numbers: any order of the sum
 * gives the same).
 */
function prefixOfWords(index: HeadIndex, search: SearchIndex, first: number, last: number, includeTags: boolean): DenseTerm {
  const state = denseOf(index);
  const n = search.size;
  const weights = weightsOf({ includeTags });
  const exact = search.overflow.size > 0;
  const sum = state.sum;
  const touched: number[] = [];
  for (let p = search.start[first], end = search.start[last]; p < end; p++) {
    const x = exact && saturated(search.counts[p]) ? weightedExact(search, p, weights) : weighted(search.counts[p], weights);
    if (x === 0) continue;
    const doc = search.docs[p];
    if (sum[doc] === 0) touched.push(doc);
    sum[doc] += x;
  }
  const docs = Int32Array.from(touched).sort();
  const bits = new Uint32Array((n + 31) >>> 5);
  const f = new Float64Array(docs.length);
  for (let i = 0; i < docs.length; i++) {
    const doc = docs[i];
    bits[doc >>> 5] |= 1 << (doc & 31);
    f[i] = sum[doc];
    sum[doc] = 0;
  }
  const { order, groupAt, values, orderStart } = rankOrder(index, search, docs, f, bits, docs.length, idfOf(n, docs.length));
  return { bits, postings: bits, before: before(bits), groupAt, values, order, orderStart, facets: undefined };
}

/** Per 32-bit word of `bits`, the bits set before it. */
function before(bits: Uint32Array): Int32Array {
  const counts = new Int32Array(bits.length);
  for (let w = 1; w < bits.length; w++) counts[w] = counts[w - 1] + popcount(bits[w - 1]);
  return counts;
}

/**
 * The matches by the word's bm25 term, best first, ties in title order, without a comparison sort (a sort of
 * 74,000 matches with a comparator took 20 ms at 100,000 apps): a match's term depends only on its weighted count
 * f and its card's length (bm25's D), so the matches fall into few groups of equal terms. The groups are sorted
 * by their term (the same expression searchTerms evaluates, so equal terms are equal to the last bit, and groups
 * with equal terms are one), then the matches are placed group by group, walking the heads in title order.
 * `docs` and `f` are the candidates and their weighted counts (0: not a match).
 */
function rankOrder(
  index: HeadIndex,
  search: SearchIndex,
  docs: Int32Array,
  f: Float64Array,
  bits: Uint32Array,
  hits: number,
  idf: number,
): Pick<DenseTerm, 'order' | 'groupAt' | 'values' | 'orderStart'> {
  const state = denseOf(index);
  const norm = normsOf(search);
  if (!state.byTitle) {
    const byTitle = new Int32Array(index.appIds.length);
    for (let head = 0; head < byTitle.length; head++) byTitle[index.titleRank[head]] = head;
    state.byTitle = byTitle;
  }
  const { groupOf, byTitle } = state;
  const groups = new Map<number, number>();
  const values: number[] = [];
  for (let i = 0; i < docs.length; i++) {
    const x = f[i];
    if (x === 0) continue;
    const doc = docs[i];
    const key = x * 2 ** 26 + search.lengths[doc]; // exact: a card has far fewer than 2 ** 26 words (its long description is at most 1 MiB)
    let group = groups.get(key);
    if (group === undefined) {
      group = values.length;
      groups.set(key, group);
      values.push(idf * ((x * (K1 + 1.0)) / (x + norm[doc])));
    }
    groupOf[doc] = group;
  }
  // Each group's place: groups with equal terms share one, and the places run from the best term down.
  const sorted = values.map((_, g) => g).sort((a, b) => values[b] - values[a]);
  const place = new Int32Array(values.length);
  let places = 0;
  sorted.forEach((g, i) => (place[g] = i > 0 && values[g] === values[sorted[i - 1]] ? places - 1 : places++));
  const placeValues = new Float64Array(places);
  sorted.forEach((g) => (placeValues[place[g]] = values[g]));
  const groupAt = places <= 0x10000 ? new Uint16Array(docs.length) : new Uint32Array(docs.length);
  const start = new Int32Array(places + 1);
  for (let i = 0; i < docs.length; i++) {
    if (f[i] === 0) continue; // not a match: its entry is never read
    groupAt[i] = place[groupOf[docs[i]]];
    start[groupAt[i] + 1]++;
  }
  for (let i = 0; i < places; i++) start[i + 1] += start[i];
  const orderStart = start.slice();
  const order = new Int32Array(hits);
  for (let t = 0; t < byTitle.length; t++) {
    const head = byTitle[t];
    if ((bits[head >>> 5] >>> (head & 31)) & 1) order[start[place[groupOf[head]]]++] = head;
  }
  return { order, groupAt, values: placeValues, orderStart };
}

/** What an index's common words take now, and how many are kept: for tests. */
export function denseUse(index: HeadIndex): { words: number; bytes: number } {
  const state = perIndex.get(index);
  return { words: state?.terms.size ?? 0, bytes: state?.bytes ?? 0 };
}

function bytesOf(dense: DenseTerm): number {
  return dense.bits.byteLength + (dense.postings === dense.bits ? 0 : dense.postings.byteLength) + dense.before.byteLength + dense.order.byteLength + dense.groupAt.byteLength + dense.values.byteLength + dense.orderStart.byteLength;
}

/** The word's bm25 term for `doc`, which holds it: the value searchTerms works out, to the last bit. */
export function termValue(dense: DenseTerm, doc: number): number {
  const w = doc >>> 5;
  return dense.values[dense.groupAt[dense.before[w] + popcount(dense.postings[w] & lowBits(doc))]];
}

/**
 * The first `k` heads of `selected` (a bitset over heads; every one holds every word) in the order of a search
 * for the words, rank then title order, leaving out `skip`: the words' matches walked in their own rank order
 * in turn, each selected head seen scored in full, until every head not yet seen ranks below the k-th found (it
 * can score no more than the sum of the words' next terms) or a word's matches are all seen (every selected
 * head holds it, so every one has been seen).
 */
export function firstByRank(
  index: HeadIndex,
  dense: readonly DenseTerm[],
  selected: Uint32Array,
  k: number,
  skip: ReadonlySet<number>,
): { heads: number[]; rank: (head: number) => number } {
  const { seen } = denseOf(index);
  const { titleRank } = index;
  // Per word, the group of its next match in its order: that match's term, read without a lookup.
  const at = new Int32Array(dense.length);
  const groupOfNext = new Int32Array(dense.length);
  const nextValue = (i: number) => {
    const { orderStart, values } = dense[i];
    while (orderStart[groupOfNext[i] + 1] <= at[i]) groupOfNext[i]++;
    return values[groupOfNext[i]];
  };
  /**
   * A head's rank as searchTerms sums it: the words' terms in order, negated (FTS5's sign); word `from`'s term
   * is `known` (the head was met in its order), the others' are looked up.
   */
  const rankOf = (head: number, from: number, known: number) => {
    let sum = 0;
    for (let i = 0; i < dense.length; i++) {
      const term = i === from ? known : termValue(dense[i], head);
      sum = i === 0 ? term : sum + term;
    }
    return -1.0 * sum;
  };
  // A max-heap of the best k so far (its root the worst of them), each entry's rank and title position beside
  // it: comparisons read these small arrays, not arrays over every head (a cache miss each at 100,000 apps).
  const heads = new Int32Array(k);
  const rankAt = new Float64Array(k);
  const titleAt = new Int32Array(k);
  let size = 0;
  const worse = (i: number, j: number) => rankAt[i] > rankAt[j] || (rankAt[i] === rankAt[j] && titleAt[i] > titleAt[j]);
  const swap = (i: number, j: number) => {
    const h = heads[i];
    const r = rankAt[i];
    const t = titleAt[i];
    heads[i] = heads[j];
    rankAt[i] = rankAt[j];
    titleAt[i] = titleAt[j];
    heads[j] = h;
    rankAt[j] = r;
    titleAt[j] = t;
  };
  const push = (head: number, rank: number) => {
    if (size < k) {
      heads[size] = head;
      rankAt[size] = rank;
      titleAt[size] = titleRank[head];
      for (let i = size++; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!worse(i, parent)) break;
        swap(i, parent);
        i = parent;
      }
      return;
    }
    // Most heads rank below the root: passed over without reading their title position (a cache miss at
    // 100,000 apps, which cost more than the rest of the walk).
    if (rank > rankAt[0]) return;
    const title = titleRank[head];
    if (rank === rankAt[0] && title >= titleAt[0]) return;
    heads[0] = head;
    rankAt[0] = rank;
    titleAt[0] = title;
    for (let i = 0; ; ) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (left < size && worse(left, worst)) worst = left;
      if (right < size && worse(right, worst)) worst = right;
      if (worst === i) break;
      swap(i, worst);
      i = worst;
    }
  };
  const skipping = skip.size > 0;
  if (k > 0) {
    walk: for (let round = 1; ; round++) {
      for (let i = 0; i < dense.length; i++) {
        const order = dense[i].order;
        if (at[i] === order.length) break walk;
        const head = order[at[i]];
        if ((seen[head >>> 5] >>> (head & 31)) & 1) {
          at[i]++;
          continue;
        }
        seen[head >>> 5] |= 1 << (head & 31);
        if (!((selected[head >>> 5] >>> (head & 31)) & 1) || (skipping && skip.has(head))) {
          at[i]++;
          continue;
        }
        const term = nextValue(i);
        at[i]++;
        push(head, rankOf(head, i, term));
      }
      // Every 16 rounds: checked every round, the walk took longer (measured at 100,000 apps), and stopping a
      // few rounds late changes nothing.
      if (size < k || (round & 15) !== 0) continue;
      // The best rank a head not yet seen can have: the sum of the words' next terms.
      let bound = 0;
      for (let i = 0; i < dense.length; i++) {
        if (at[i] === dense[i].order.length) break walk;
        const next = nextValue(i);
        bound = i === 0 ? next : bound + next;
      }
      if (rankAt[0] < -1.0 * bound) break;
    }
  }
  seen.fill(0);
  const ranks = new Map<number, number>();
  for (let i = 0; i < size; i++) ranks.set(heads[i], rankAt[i]);
  // Those skipped are scored on demand (the boosted heads, sorted by rank ahead of the rest).
  for (const head of skip) ranks.set(head, rankOf(head, -1, 0));
  const rank = (head: number) => ranks.get(head)!;
  return { heads: Array.from(heads.subarray(0, size)).sort((a, b) => rank(a) - rank(b) || titleRank[a] - titleRank[b]), rank };
}
