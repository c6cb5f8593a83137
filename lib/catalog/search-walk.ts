// A search over an audience's search index (search-index.ts): a query matches as app_search's MATCH
// expression does (every term, each as a prefix, one-character terms whole, tag names only for viewers who
// may see tags: search-terms.ts); the rank is FTS5's bm25 formula with the same column weights, computed over
// the documents the viewer can see: a hidden app's words never move a visible app up or down.
import 'server-only';
import { BM25_WEIGHTS, SEARCH_COLUMNS } from './search-query';
import { BITS, SATURATED, saturated, type SearchIndex } from './search-index';

const COLUMNS = SEARCH_COLUMNS.length;
const TAGS_COLUMN = SEARCH_COLUMNS.indexOf('tags');

/** The first position in the sorted terms at or after `word`. */
function lowerBound(terms: string[], word: string): number {
  let low = 0;
  let high = terms.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (terms[mid] < word) low = mid + 1;
    else high = mid;
  }
  return low;
}

export interface SearchResult {
  /**
   * The matching documents, ascending. searchTerms' are a view of the index's scratch array too, valid until
   * its next search (callers read them at once, as they read `rank`).
   */
  docs: Int32Array;
  /**
   * bm25 of each document (lower is better; FTS5's sign), 0 for those that do not match. The index's own
   * scratch array, valid until its next search (callers read it at once, in the same synchronous call).
   */
  rank: Float64Array;
}

export const K1 = 1.2;
const B = 0.75;

/**
 * Per index, the arrays a search works in, one slot per document: allocated once, not per search (at
 * 100,000 cards five fresh arrays were 2.9 MB per search, and collecting them a tenth of its time). Left
 * zeroed after each search but for `rank`, whose non-zero entries (the last result's documents) the next
 * search clears, and `firstDocs`, which holds them. Searches are synchronous, so one set per index is never shared by two at once. `norm` is
 * each document's bm25 length term, K1 * (1 - B + B * D / avgdl), worked out once per index (8 bytes a
 * card) with the very expression a search would evaluate, so its ranks are the same to the last bit.
 */
interface Scratch {
  rank: Float64Array;
  score: Float64Array;
  matched: Uint8Array;
  frequency: Float64Array;
  touched: Int32Array;
  /** The first phrase's documents (ascending when it is one word): every document a search may have marked; searchTerms' matches. */
  firstDocs: Int32Array;
  norm: Float64Array;
  /** searchTerms' bitsets over documents: the first word's, and the documents every word so far is in (two, in turn). */
  firstBits: Uint32Array;
  bits: Uint32Array;
  nextBits: Uint32Array;
  last: Int32Array;
}
const scratches = new WeakMap<SearchIndex, Scratch>();

/** The index's scratch arrays, made at their first use. */
function scratchFor(index: SearchIndex): Scratch {
  let scratch = scratches.get(index);
  if (!scratch) {
    const n = index.size;
    const norm = new Float64Array(n);
    for (let doc = 0; doc < n; doc++) norm[doc] = K1 * (1 - B + (B * index.lengths[doc]) / index.averageLength);
    scratch = {
      rank: new Float64Array(n),
      score: new Float64Array(n),
      matched: new Uint8Array(n),
      frequency: new Float64Array(n),
      touched: new Int32Array(n),
      firstDocs: new Int32Array(n),
      norm,
      firstBits: new Uint32Array((n + 31) >>> 5),
      bits: new Uint32Array((n + 31) >>> 5),
      nextBits: new Uint32Array((n + 31) >>> 5),
      last: new Int32Array(0),
    };
    scratches.set(index, scratch);
  }
  return scratch;
}

/** The scratch arrays for a search: the previous search's ranks cleared. */
function scratchOf(index: SearchIndex): Scratch {
  const scratch = scratchFor(index);
  // An indexed loop: for…of over a typed array's tens of thousands of entries took 0.5-1 ms more.
  const { last, rank } = scratch;
  for (let i = 0; i < last.length; i++) rank[last[i]] = 0;
  scratch.last = new Int32Array(0);
  return scratch;
}

/** The range of terms a query word matches: every word it begins, or itself alone when one character long. */
export function termRange(index: SearchIndex, term: string): [number, number] {
  const first = lowerBound(index.terms, term);
  let last = first;
  if (term.length > 1) while (last < index.terms.length && index.terms[last].startsWith(term)) last++;
  else if (index.terms[first] === term) last = first + 1;
  return [first, last];
}

/** The bm25 weights of the columns, the tags' 0 when tag names are not searched. */
export function weightsOf(options: { includeTags: boolean }): number[] {
  return BM25_WEIGHTS.map((w, c) => (c === TAGS_COLUMN && !options.includeTags ? 0 : w));
}

/**
 * f(q, D) of a posting whose packed counts are `packed`: the weighted count of a word's instances in a
 * document (xInst in FTS5's bm25). The counts and weights are small integers, so the sum is exact in any
 * order. Unrolled (SEARCH_COLUMNS has five columns: checked below): a loop over the columns took 3-4
 * times as long. A posting with a saturated count has its exact counts aside (weightedExact).
 */
export function weighted(packed: number, weights: readonly number[]): number {
  return (
    weights[0] * (packed & SATURATED) +
    weights[1] * ((packed >>> BITS) & SATURATED) +
    weights[2] * ((packed >>> (2 * BITS)) & SATURATED) +
    weights[3] * ((packed >>> (3 * BITS)) & SATURATED) +
    weights[4] * ((packed >>> (4 * BITS)) & SATURATED)
  );
}
SEARCH_COLUMNS.length satisfies 5;

export function weightedExact(index: SearchIndex, p: number, weights: readonly number[]): number {
  const counts = index.overflow.get(p)!;
  let f = 0;
  for (let c = 0; c < COLUMNS; c++) f += weights[c] * counts[c];
  return f;
}

/** idf as FTS5 computes it, from the number of documents the phrase matches. */
export function idfOf(size: number, hits: number): number {
  const idf = Math.log((size - hits + 0.5) / (hits + 0.5));
  return idf <= 0.0 ? 1e-6 : idf;
}

/**
 * The documents holding every one of `terms` (FTS5 words: search-terms.ts), each as a prefix unless it
 * is one character long, in the columns searched (tag names only with `includeTags`), ranked by bm25.
 * A query each of whose words begins one indexed word alone (most searches) is a merge of those words'
 * postings (searchTerms); any other goes through the phrase by phrase walk (searchPhrases). Both give the same.
 */
export function searchDocuments(index: SearchIndex, terms: readonly string[], options: { includeTags: boolean }): SearchResult {
  if (terms.length === 0) return searchPhrases(index, terms, options);
  const single: number[] = [];
  for (const term of terms) {
    const [first, last] = termRange(index, term);
    if (last - first !== 1) return searchPhrases(index, terms, options);
    single.push(first);
  }
  return searchTerms(index, single, options);
}

/**
 * The documents holding every one of the indexed words `termIds` (one phrase each), straight from their
 * postings, with no walk over the whole catalog. One word: its postings are the result. More: the documents
 * every word so far is in are a bitset (n/32 words, cache-resident where a merge of two sorted lists of tens
 * of thousands of documents stalls on every other comparison); the scores are summed in `rank` itself, word by
 * word, and negated with the last word's term. The ranks are searchPhrases' to the last bit (the same sums of the same
 * numbers in the same order): tested against it (search-index.test.ts).
 */
export function searchTerms(index: SearchIndex, termIds: readonly number[], options: { includeTags: boolean }): SearchResult {
  const scratch = scratchOf(index);
  const { rank, firstDocs: found, norm, firstBits, bits, nextBits } = scratch;
  const weights = weightsOf(options);
  // Most indexes have no exact counts aside: then no posting is checked for them.
  const exact = index.overflow.size > 0;
  // With every column searched, each posting has an instance in a searched column: a word's documents are its postings.
  const everyPosting = weights.every((w) => w > 0);
  const { counts, docs: postingDocs } = index; // locals: the loops read no field of `index`
  // The documents every word so far is in: the first word's, then bits and nextBits in turn (the one not in
  // use is all zeros).
  let current = firstBits;
  for (let phrase = 0; phrase < termIds.length; phrase++) {
    const begin = index.start[termIds[phrase]];
    const end = index.start[termIds[phrase] + 1];
    // idf from the number of documents the word is in, in the columns searched.
    let hits = end - begin;
    if (!everyPosting) {
      for (let p = begin; p < end; p++) if ((exact && saturated(counts[p]) ? weightedExact(index, p, weights) : weighted(counts[p], weights)) === 0) hits--;
    }
    const idf = idfOf(index.size, hits);
    if (phrase === 0 && termIds.length === 1) {
      // One word: its postings are the result (a score starts at 0, and 0 + term is term).
      let count = 0;
      for (let p = begin; p < end; p++) {
        // Written out, not a closure: a closure here took twice as long.
        const f = exact && saturated(counts[p]) ? weightedExact(index, p, weights) : weighted(counts[p], weights);
        if (f === 0) continue; // only in a column this viewer does not search
        const doc = postingDocs[p];
        rank[doc] = -1.0 * (idf * ((f * (K1 + 1.0)) / (f + norm[doc])));
        found[count++] = doc;
      }
      return finish(scratch, found.subarray(0, count));
    }
    if (phrase === 0) {
      for (let p = begin; p < end; p++) {
        const f = exact && saturated(counts[p]) ? weightedExact(index, p, weights) : weighted(counts[p], weights);
        if (f === 0) continue;
        const doc = postingDocs[p];
        rank[doc] = idf * ((f * (K1 + 1.0)) / (f + norm[doc])); // 0 + term is term
        firstBits[doc >>> 5] |= 1 << (doc & 31);
      }
      continue;
    }
    const next = current === bits ? nextBits : bits;
    // The last word's sum is the score: negated (FTS5's sign) as it is written, not in a pass of its own.
    const sign = phrase === termIds.length - 1 ? -1.0 : 1.0;
    for (let p = begin; p < end; p++) {
      const doc = postingDocs[p];
      if (!((current[doc >>> 5] >>> (doc & 31)) & 1)) continue;
      const f = exact && saturated(counts[p]) ? weightedExact(index, p, weights) : weighted(counts[p], weights);
      if (f === 0) continue;
      rank[doc] = sign * (rank[doc] + idf * ((f * (K1 + 1.0)) / (f + norm[doc])));
      next[doc >>> 5] |= 1 << (doc & 31);
    }
    if (current !== firstBits) current.fill(0);
    current = next;
  }
  // The matches, ascending; the first word's other documents' partial sums back to 0.
  let count = 0;
  for (let w = 0; w < firstBits.length; w++) {
    for (let x = current[w]; x !== 0; x &= x - 1) found[count++] = (w << 5) | (31 - Math.clz32(x & -x));
    for (let x = firstBits[w] & ~current[w]; x !== 0; x &= x - 1) rank[(w << 5) | (31 - Math.clz32(x & -x))] = 0;
  }
  firstBits.fill(0);
  current.fill(0);
  return finish(scratch, found.subarray(0, count));
}

/** Each document's bm25 length term (Scratch's `norm`), shared with dense-terms.ts so that its scores are the same to the last bit. */
export function normsOf(index: SearchIndex): Float64Array {
  return scratchFor(index).norm;
}

/** The result, its documents remembered so that the next search clears their ranks. */
function finish(scratch: Scratch, docs: Int32Array): SearchResult {
  scratch.last = docs;
  return { docs, rank: scratch.rank };
}

/**
 * Any query, phrase by phrase: each phrase's weighted counts summed per document over the words it
 * begins, its idf from how many documents it matches, and the bm25 term added to the documents every
 * phrase so far has matched.
 */
export function searchPhrases(index: SearchIndex, terms: readonly string[], options: { includeTags: boolean }): SearchResult {
  const { size } = index;
  const scratch = scratchOf(index);
  const { rank, score, matched, frequency, touched, firstDocs, norm } = scratch; // phrases matched so far: `matched`
  const weights = weightsOf(options);
  const exact = index.overflow.size > 0;
  const { counts, docs: postingDocs } = index;
  if (terms.length > 255) throw new RangeError('At most 255 words per search (`matched` counts them in a byte).');
  if (terms.length === 0) return { docs: new Int32Array(0), rank };

  let firstHits = 0;
  let firstAscending = false;
  for (let phrase = 0; phrase < terms.length; phrase++) {
    const [first, last] = termRange(index, terms[phrase]);
    // f(q, D) of each document, summed over the words the phrase begins.
    let hits = 0;
    for (let t = first; t < last; t++) {
      for (let p = index.start[t], end = index.start[t + 1]; p < end; p++) {
        const packed = counts[p];
        const f = exact && saturated(packed) ? weightedExact(index, p, weights) : weighted(packed, weights);
        if (f === 0) continue; // only in a column this viewer does not search
        const doc = postingDocs[p];
        if (frequency[doc] === 0) touched[hits++] = doc;
        frequency[doc] += f;
      }
    }
    const idf = idfOf(size, hits);
    for (let i = 0; i < hits; i++) {
      const doc = touched[i];
      const f = frequency[doc];
      frequency[doc] = 0;
      if (matched[doc] !== phrase) continue;
      matched[doc] = phrase + 1;
      score[doc] += idf * ((f * (K1 + 1.0)) / (f + norm[doc]));
    }
    if (phrase === 0) {
      firstDocs.set(touched.subarray(0, hits));
      firstHits = hits;
      firstAscending = last - first <= 1; // one word's postings are in document order
    }
  }

  // Every document marked is one of the first phrase's: walk those (in document order when they are one
  // word's postings) rather than the whole catalog.
  const marked = firstAscending ? firstDocs.subarray(0, firstHits) : null;
  const n = marked ? firstHits : size;
  let count = 0;
  for (let i = 0; i < n; i++) if (matched[marked ? marked[i] : i] === terms.length) count++;
  const docs = new Int32Array(count);
  count = 0;
  for (let i = 0; i < n; i++) {
    const doc = marked ? marked[i] : i;
    if (matched[doc] === 0) continue;
    if (matched[doc] === terms.length) {
      docs[count++] = doc;
      rank[doc] = -1.0 * score[doc];
    }
    matched[doc] = 0;
    score[doc] = 0;
  }
  scratch.last = docs;
  return { docs, rank };
}
