// An inverted index of the catalog cards one audience sees (their app_search documents), so a search
// costs the matching words' postings instead of an FTS5 lookup that ranks every matching version in
// the table. Words are FTS5's own (unicode61.ts); per word its documents and per-column counts. How a
// query walks it (matches and bm25 as FTS5's) is search-walk.ts.
import 'server-only';
import { tokenizeAll } from './unicode61';
import { SEARCH_COLUMNS } from './search-query';

const COLUMNS = SEARCH_COLUMNS.length;
/** Each posting's per-column counts, six bits each; a count of 63 or more is kept exactly in `overflow`. */
export const BITS = 6;
export const SATURATED = (1 << BITS) - 1;

/** Bit 0 of each column's field. */
const FIELD_LOW_BITS = Array.from({ length: COLUMNS }, (_, c) => 1 << (c * BITS)).reduce((a, b) => a | b, 0);

/** Whether any column's count in `packed` is saturated (its exact counts are in `overflow`). */
export function saturated(packed: number): boolean {
  // A field is all ones iff its lowest bit survives and-ing the value with itself shifted by 1..BITS-1.
  let ones = packed;
  for (let shift = 1; shift < BITS; shift++) ones &= packed >>> shift;
  return (ones & FIELD_LOW_BITS) !== 0;
}

export interface SearchIndex {
  /** Number of documents (heads); documents are numbered 0..size-1 in the caller's order. */
  size: number;
  /** The words, sorted (UTF-16 order), so the words with a prefix are one range. */
  terms: string[];
  /** Postings of terms[t]: docs/counts[start[t] .. start[t+1]), documents ascending. */
  start: Int32Array;
  docs: Int32Array;
  counts: Uint32Array;
  overflow: Map<number, number[]>;
  /** Words in each document, all columns (bm25's D), and their mean (avgdl). */
  lengths: Int32Array;
  averageLength: number;
}

/** The columns' texts of each document, in SEARCH_COLUMNS order. */
export type SearchDocument = readonly string[];

/**
 * Postings per document (doc-major): postTerm/postCounts[docStart[d] .. docStart[d+1]) are document d's
 * distinct words (term ids, in any order) with their packed per-column counts; exact counts of saturated
 * postings are in postOverflow. The first pass of a build, by tokenizing (buildSearchIndex) or from
 * cached words (document-words.ts); invert() turns it into the index.
 */
export interface DocumentPostings {
  size: number;
  posts: number;
  docStart: Int32Array;
  postTerm: Int32Array;
  postCounts: Uint32Array;
  postOverflow: Map<number, number[]>;
  lengths: Int32Array;
}

/**
 * Counts one more instance of a word in `column` into posting p, as FTS5 counts instances: packed while
 * every column's count is below 63; the 63rd instance in one column moves the posting's counts to an exact
 * array, which alone is counted from then on (the packed value then keeps the counts it had).
 */
export function countInstance(postCounts: Uint32Array, postOverflow: Map<number, number[]>, p: number, column: number): void {
  const exact = postOverflow.get(p);
  if (exact) exact[column]++;
  else if (((postCounts[p] >>> (column * BITS)) & SATURATED) === SATURATED - 1) {
    const counts = Array.from({ length: COLUMNS }, (_, c) => (postCounts[p] >>> (c * BITS)) & SATURATED);
    counts[column]++;
    postOverflow.set(p, counts);
    postCounts[p] = (postCounts[p] + (1 << (column * BITS))) >>> 0;
  } else postCounts[p] = (postCounts[p] + (1 << (column * BITS))) >>> 0;
}

/** A typed array twice as long, its new half filled with `fill`. */
export function grow<T extends Int32Array | Uint32Array>(array: T, fill = 0): T {
  const grown = new (array.constructor as new (n: number) => T)(array.length * 2);
  grown.fill(fill as never);
  grown.set(array);
  return grown;
}

export function buildSearchIndex(documents: readonly SearchDocument[]): SearchIndex {
  const size = documents.length;
  const texts: string[] = [];
  for (const doc of documents) for (let c = 0; c < COLUMNS; c++) texts.push(doc[c] ?? '');

  // Pass 1: per document, its distinct words' per-column counts (doc-major postings, packed).
  const termIds = new Map<string, number>();
  const words: string[] = [];
  let lastDoc = new Int32Array(1024).fill(-1); // per word: the last document it was seen in
  let slot = new Int32Array(1024); // per word: its posting in that document
  let postTerm = new Int32Array(1024);
  let postCounts = new Uint32Array(1024);
  const postOverflow = new Map<number, number[]>();
  let posts = 0;
  const docStart = new Int32Array(size + 1);
  const lengths = new Int32Array(size);
  let currentDoc = 0;
  tokenizeAll(texts, (textIndex, word) => {
    const doc = (textIndex / COLUMNS) | 0;
    const column = textIndex % COLUMNS;
    while (currentDoc < doc) docStart[++currentDoc] = posts;
    let term = termIds.get(word);
    if (term === undefined) {
      term = words.length;
      termIds.set(word, term);
      words.push(word);
      if (term === lastDoc.length) {
        lastDoc = grow(lastDoc, -1);
        slot = grow(slot);
      }
    }
    let p: number;
    if (lastDoc[term] === doc) p = slot[term];
    else {
      if (posts === postTerm.length) {
        postTerm = grow(postTerm);
        postCounts = grow(postCounts);
      }
      p = posts++;
      lastDoc[term] = doc;
      slot[term] = p;
      postTerm[p] = term;
      postCounts[p] = 0;
    }
    countInstance(postCounts, postOverflow, p, column);
    lengths[doc]++;
  });
  while (currentDoc < size) docStart[++currentDoc] = posts;
  const order = words.map((_, i) => i).sort((a, b) => (words[a] < words[b] ? -1 : words[a] > words[b] ? 1 : 0));
  return invert({ size, posts, docStart, postTerm, postCounts, postOverflow, lengths }, words, order);
}

/**
 * Pass 2: term-major postings, documents ascending within each word, the words sorted. `order` is term ids
 * in word order (UTF-16); it may hold words no document has (they are left out of the index).
 */
export function invert(postings: DocumentPostings, words: readonly string[], order: ArrayLike<number>): SearchIndex {
  const { size, posts, docStart, postTerm, postCounts, postOverflow, lengths } = postings;
  const postingsOf = new Int32Array(words.length);
  for (let p = 0; p < posts; p++) postingsOf[postTerm[p]]++;
  const rankOf = new Int32Array(words.length);
  const terms: string[] = [];
  const start: number[] = [0];
  for (let i = 0; i < order.length; i++) {
    const term = order[i];
    if (postingsOf[term] === 0) continue;
    rankOf[term] = terms.length;
    terms.push(words[term]);
    start.push(start[start.length - 1] + postingsOf[term]);
  }
  const fill = Int32Array.from(start.slice(0, terms.length));
  const docs = new Int32Array(posts);
  const counts = new Uint32Array(posts);
  const overflow = new Map<number, number[]>();
  for (let doc = 0; doc < size; doc++) {
    for (let p = docStart[doc]; p < docStart[doc + 1]; p++) {
      const at = fill[rankOf[postTerm[p]]]++;
      docs[at] = doc;
      counts[at] = postCounts[p];
      // A posting with exact counts has a saturated column: most postings need no map lookup.
      if (saturated(postCounts[p])) {
        const exact = postOverflow.get(p);
        if (exact) overflow.set(at, exact);
      }
    }
  }
  let total = 0;
  for (let doc = 0; doc < size; doc++) total += lengths[doc];
  return { size, terms, start: Int32Array.from(start), docs, counts, overflow, lengths, averageLength: size > 0 ? total / size : 0 };
}
