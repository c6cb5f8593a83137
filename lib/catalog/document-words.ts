// The words of each version's immutable texts (name, title, description, long description), tokenized
// once per process and kept, so that rebuilding an audience's search index after a catalog change costs
// the changed documents' tokenizing plus an assembly of cached postings, not re-reading and re-tokenizing
// every card. A version's texts never change after import (no write after it touches name, title,
// description or long description); its tags column, which does change, is not cached: it is composed
// from the head index's tag lists and the tags' names and titles, as app_search's triggers compose it
// (group_concat of `name || ' ' || title`). The result equals buildSearchIndex over the texts in
// app_search (head-update.test.ts compares them after real catalog changes).
import 'server-only';
import type Database from 'better-sqlite3';
import { getDb } from '@/db';
import { SEARCH_COLUMNS } from './search-query';
import { countInstance, grow, invert, type DocumentPostings, type SearchIndex } from './search-index';
import { tokenizeAll } from './unicode61';

const TAGS_COLUMN = SEARCH_COLUMNS.indexOf('tags');
/** The cached columns: every column before the tags (SEARCH_COLUMNS order). */
const TEXT_COLUMNS = TAGS_COLUMN;

/**
 * Memory bound: at most MAX_CACHED_POSTINGS postings (8 bytes each in typed arrays: 64 MB) of at most
 * MAX_CACHED_DOCUMENTS documents (about 350 bytes each besides: 140 MB) are kept, least recently used
 * documents out; and the word dictionary holds at most MAX_WORDS words (past it, the cache and the
 * dictionary start over). 100,000 apps' heads hold about 5.1 million postings and 200,000 words.
 */
export const MAX_CACHED_POSTINGS = 8_000_000;
export const MAX_CACHED_DOCUMENTS = 400_000;
export const MAX_WORDS = 2_000_000;
const limits = { postings: MAX_CACHED_POSTINGS, documents: MAX_CACHED_DOCUMENTS, words: MAX_WORDS };

/** Lower bounds, for tests of the eviction (the defaults above otherwise). */
export function limitDocumentWords(bounds: Partial<typeof limits> = {}): void {
  Object.assign(limits, { postings: MAX_CACHED_POSTINGS, documents: MAX_CACHED_DOCUMENTS, words: MAX_WORDS }, bounds);
}

/**
 * The texts of documents not cached yet (a JSON array of doc ids), in SEARCH_COLUMNS order without the tags,
 * after the version each belongs to now (a doc id deleted and reused since the head index was read is another version's).
 */
export const documentTextsQuery = `SELECT s.rowid, d.app_id, s.name, s.title, s.description, s.long_description
  FROM app_search s JOIN app_search_docs d ON d.doc_id = s.rowid WHERE s.rowid IN (SELECT value FROM json_each(?))`;

interface CachedDocument {
  /** The version the doc id belonged to when cached (a doc id is reused after the newest version is deleted). */
  appId: string;
  terms: Int32Array;
  counts: Uint32Array;
  /** Exact counts of saturated postings, by position in terms. */
  overflow: Map<number, number[]> | null;
  length: number;
  /** The assembly that last used it (least recently used out). */
  used: number;
}

/**
 * Process-wide word ids (`order`: the ids in word order (UTF-16), valid for the first `ordered` ids) and the cached
 * documents. Kept on globalThis: Next gives each of its bundles its own copy of this module, and the catalog page's
 * searches and the start-up's warming of the words (search-warm-up.ts, from instrumentation.ts) share one cache.
 */
interface WordsState {
  ids: Map<string, number>;
  words: string[];
  order: Int32Array;
  ordered: number;
  documents: Map<number, CachedDocument>;
  cachedPostings: number;
  assemblies: number;
  lastClient: Database.Database | null;
}
const empty = (): Omit<WordsState, 'assemblies' | 'lastClient'> => ({ ids: new Map(), words: [], order: new Int32Array(0), ordered: 0, documents: new Map(), cachedPostings: 0 });
const STATE = Symbol.for('appstore.documentWords');
const holder = globalThis as { [STATE]?: WordsState };
const state: WordsState = (holder[STATE] ??= { ...empty(), assemblies: 0, lastClient: null });

/** Counters for tests and the benchmark: documents tokenized, assemblies, full resets. */
export const documentWordStats = { tokenized: 0, assembled: 0, resets: 0 };

function reset(): void {
  Object.assign(state, empty());
  documentWordStats.resets++;
}

/** Drops every cached document and word (tests; another database). */
export function clearDocumentWords(): void {
  reset();
}

function termId(word: string): number {
  let id = state.ids.get(word);
  if (id === undefined) {
    id = state.words.length;
    state.ids.set(word, id);
    state.words.push(word);
  }
  return id;
}

const byWord = (a: number, b: number) => (state.words[a] < state.words[b] ? -1 : state.words[a] > state.words[b] ? 1 : 0);

/** Puts the words added since the last call into word order (sorted among themselves, then merged). */
function orderWords(): void {
  if (state.ordered === state.words.length) return;
  const added = Array.from({ length: state.words.length - state.ordered }, (_, i) => state.ordered + i).sort(byWord);
  const merged = new Int32Array(state.words.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < state.ordered && j < added.length) merged[k++] = byWord(state.order[i], added[j]) <= 0 ? state.order[i++] : added[j++];
  while (i < state.ordered) merged[k++] = state.order[i++];
  while (j < added.length) merged[k++] = added[j++];
  state.order = merged;
  state.ordered = state.words.length;
}

/** Tokenizes the texts rows ([doc, appId, ...texts]) into cached documents. */
function tokenizeDocuments(rows: [number, string, ...string[]][]): void {
  const texts: string[] = [];
  for (const row of rows) for (let c = 0; c < TEXT_COLUMNS; c++) texts.push((row[2 + c] as string | null) ?? '');
  let lastDoc = new Int32Array(1024).fill(-1);
  let slot = new Int32Array(1024);
  let terms: number[] = [];
  let counts = new Uint32Array(64);
  let overflow = new Map<number, number[]>();
  let length = 0;
  let current = 0;
  const finish = (doc: number) => {
    const [docId, appId] = rows[doc];
    const entry: CachedDocument = {
      appId,
      terms: Int32Array.from(terms),
      counts: counts.slice(0, terms.length),
      overflow: overflow.size > 0 ? overflow : null,
      length,
      used: state.assemblies,
    };
    const previous = state.documents.get(docId);
    if (previous) state.cachedPostings -= previous.terms.length;
    state.documents.set(docId, entry);
    state.cachedPostings += entry.terms.length;
    documentWordStats.tokenized++;
    terms = [];
    counts.fill(0);
    overflow = new Map();
    length = 0;
  };
  tokenizeAll(texts, (textIndex, word) => {
    const doc = (textIndex / TEXT_COLUMNS) | 0;
    while (current < doc) finish(current++);
    const term = termId(word);
    while (term >= lastDoc.length) {
      lastDoc = grow(lastDoc, -1);
      slot = grow(slot);
    }
    let p: number;
    if (lastDoc[term] === doc) p = slot[term];
    else {
      p = terms.length;
      terms.push(term);
      if (p === counts.length) counts = grow(counts);
      lastDoc[term] = doc;
      slot[term] = p;
    }
    countInstance(counts, overflow, p, textIndex % TEXT_COLUMNS);
    length++;
  });
  while (current < rows.length) finish(current++);
}

/** Starts over when the database is another one (tests switch DATA_DIR) or the dictionary is past its bound. */
function checkClient(): void {
  const client = getDb().$client;
  if (client !== state.lastClient || state.words.length > limits.words) {
    reset();
    state.lastClient = client;
  }
}

/**
 * Reads and tokenizes into the cache those of these documents ([doc id, the version it belongs to]) not cached for
 * that version; returns those that are gone (deleted, or their doc id is another version's by now).
 */
function tokenizeMissing(docs: Iterable<readonly [number, string]>): Set<number> {
  const missing = new Map<number, string>();
  for (const [doc, appId] of docs) if (state.documents.get(doc)?.appId !== appId) missing.set(doc, appId);
  const gone = new Set<number>();
  if (missing.size === 0) return gone;
  const all = getDb().$client.prepare(documentTextsQuery).raw().all(JSON.stringify([...missing.keys()])) as [number, string, ...string[]][];
  const rows = all.filter(([doc, appId]) => missing.get(doc) === appId);
  tokenizeDocuments(rows);
  const found = new Set(rows.map(([doc]) => doc));
  for (const doc of missing.keys()) if (!found.has(doc)) gone.add(doc);
  return gone;
}

/**
 * Tokenizes and keeps the words of these documents ([doc id, the version it belongs to]) that are not cached
 * yet, ahead of the search that needs them (search-warm-up.ts); their first assembly then only copies them.
 * Returns false, caching nothing, once the cache holds three quarters of its bound: warming never evicts.
 */
export function cacheDocumentWords(docs: readonly (readonly [number, string])[]): boolean {
  checkClient();
  if (state.cachedPostings >= (limits.postings * 3) / 4 || state.documents.size + docs.length > (limits.documents * 3) / 4) return false;
  tokenizeMissing(docs);
  return true;
}

/** What the assembly reads of a head index (head-index.ts). */
export interface IndexedHeads {
  appIds: string[];
  docIds: Int32Array;
  tagStart: Int32Array;
  tagList: Int32Array;
  tags: { name: string; title: string }[];
}

/**
 * The heads' search index from cached words: only documents not cached yet (new versions, or the first
 * build in this process) are read from app_search and tokenized. An uncached head whose document is gone
 * by then (deleted a moment ago) has no words; that deletion bumped the generation, so the next request
 * builds anew.
 */
export function assembleSearchIndex(heads: IndexedHeads): SearchIndex {
  const all = Array.from({ length: heads.appIds.length }, (_, i) => i);
  return invert(documentPostings(heads, all), state.words, state.order);
}

/**
 * The doc-major postings of the heads at `positions` (ascending), numbered 0.. in that order; the word
 * ids are this module's (`words`, in word order `order` once this returns).
 */
export function documentPostings(heads: IndexedHeads, positions: readonly number[]): DocumentPostings {
  checkClient();
  const assembly = ++state.assemblies;
  documentWordStats.assembled++;
  const size = positions.length;

  const gone = tokenizeMissing(positions.map((i) => [heads.docIds[i], heads.appIds[i]] as const));
  // The tags column's words of each tag (`name title`, as the triggers join them): term ids and counts.
  const tagBags = heads.tags.map(() => new Map<number, number>());
  tokenizeAll(
    heads.tags.map((t) => `${t.name} ${t.title}`),
    (tag, word) => {
      const term = termId(word);
      tagBags[tag].set(term, (tagBags[tag].get(term) ?? 0) + 1);
    },
  );
  const tagTerms = tagBags.map((bag) => Int32Array.from(bag.keys()));
  const tagCounts = tagBags.map((bag) => Int32Array.from(bag.values()));
  const tagLengths = tagCounts.map((counts) => counts.reduce((a, b) => a + b, 0));
  const isTagWord = new Uint8Array(state.words.length);
  for (const terms of tagTerms) for (const term of terms) isTagWord[term] = 1;

  // At most each document's cached words plus its tags' words.
  let capacity = 0;
  for (const i of positions) {
    capacity += state.documents.get(heads.docIds[i])?.terms.length ?? 0;
    for (let j = heads.tagStart[i]; j < heads.tagStart[i + 1]; j++) capacity += tagTerms[heads.tagList[j]].length;
  }
  const postTerm = new Int32Array(capacity);
  const postCounts = new Uint32Array(capacity);
  const postOverflow = new Map<number, number[]>();
  const docStart = new Int32Array(size + 1);
  const lengths = new Int32Array(size);
  // Per tag word: the last document it got a posting in, and that posting.
  const slotDoc = new Int32Array(state.words.length).fill(-1);
  const slot = new Int32Array(state.words.length);
  let posts = 0;
  for (let d = 0; d < size; d++) {
    const i = positions[d];
    docStart[d] = posts;
    const docId = heads.docIds[i];
    if (gone.has(docId)) continue;
    const cached = state.documents.get(docId)!;
    cached.used = assembly;
    const { terms, counts, overflow } = cached;
    postTerm.set(terms, posts);
    postCounts.set(counts, posts);
    if (overflow) for (const [k, exact] of overflow) postOverflow.set(posts + k, [...exact]);
    const first = heads.tagStart[i];
    const last = heads.tagStart[i + 1];
    if (first < last) {
      for (let k = 0; k < terms.length; k++) {
        if (isTagWord[terms[k]]) {
          slotDoc[terms[k]] = d;
          slot[terms[k]] = posts + k;
        }
      }
    }
    posts += terms.length;
    let length = cached.length;
    for (let j = first; j < last; j++) {
      const tag = heads.tagList[j];
      length += tagLengths[tag];
      const tagWords = tagTerms[tag];
      for (let w = 0; w < tagWords.length; w++) {
        const term = tagWords[w];
        let p: number;
        if (slotDoc[term] === d) p = slot[term];
        else {
          p = posts++;
          postTerm[p] = term;
          postCounts[p] = 0;
          slotDoc[term] = d;
          slot[term] = p;
        }
        for (let x = 0; x < tagCounts[tag][w]; x++) countInstance(postCounts, postOverflow, p, TAGS_COLUMN);
      }
    }
    lengths[d] = length;
  }
  docStart[size] = posts;
  orderWords();
  evict(assembly);
  return { size, posts, docStart, postTerm, postCounts, postOverflow, lengths };
}

/** The word ids' strings and their word order (valid after documentPostings). */
export function dictionary(): { words: readonly string[]; order: Int32Array } {
  return { words: state.words, order: state.order };
}

/** Least recently used documents out until the cache is within its bound (with room to spare, so eviction is rare). */
function evict(assembly: number): void {
  const within = (share: number) => state.cachedPostings <= limits.postings * share && state.documents.size <= limits.documents * share;
  if (within(1)) return;
  const entries = [...state.documents].sort((a, b) => a[1].used - b[1].used);
  for (const [doc, entry] of entries) {
    if (within(3 / 4)) break;
    if (entry.used === assembly && within(1)) break; // this assembly's documents go only past the bound itself
    state.documents.delete(doc);
    state.cachedPostings -= entry.terms.length;
  }
}

/** Documents and postings cached now (tests). */
export function cachedDocumentWords(): { documents: number; postings: number; words: number } {
  return { documents: state.documents.size, postings: state.cachedPostings, words: state.words.length };
}
