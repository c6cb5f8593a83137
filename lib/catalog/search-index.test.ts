import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BM25_WEIGHTS } from './search-query';
import { buildSearchIndex, type SearchDocument, type SearchIndex } from './search-index';
import { searchDocuments, searchPhrases, searchTerms } from './search-walk';
import { matchExpression, queryTerms } from './search-terms';

/** A stand-in for app_search with the same columns, tokenizer and prefix indexes. */
function ftsTable(documents: SearchDocument[]) {
  const db = new Database(':memory:');
  db.exec(`CREATE VIRTUAL TABLE app_search USING fts5(name, title, description, long_description, tags,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')`);
  const insert = db.prepare('INSERT INTO app_search (rowid, name, title, description, long_description, tags) VALUES (?, ?, ?, ?, ?, ?)');
  db.transaction(() => documents.forEach((d, i) => insert.run(i, ...d)))();
  const select = db.prepare(`SELECT rowid, bm25(app_search, ${BM25_WEIGHTS.join(', ')}) FROM app_search WHERE app_search MATCH ? ORDER BY rowid`).raw();
  return (match: string) => select.all(match) as [number, number][];
}

function corpus(count: number, seed: number): SearchDocument[] {
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const vocabulary = ['data', 'dashboard', 'datum', 'Vision', 'visual', 'vis', 'Élan', 'elan', 'a', 'r', 'x', 'naïve', 'NEAR', 'or', 'ſtraße', '中文', 'forecast', 'h2o'];
  const words = (n: number) => Array.from({ length: n }, () => vocabulary[Math.floor(random() * vocabulary.length)]).join(random() < 0.5 ? ' ' : '-');
  return Array.from({ length: count }, (_, i) => [
    `app-${i}-${words(1)}`,
    words(1 + Math.floor(random() * 3)),
    words(Math.floor(random() * 8)),
    // Some long descriptions repeat a word more than 63 times (the packed counts' limit).
    i % 17 === 0 ? `${'forecast '.repeat(70)}${words(5)}` : words(Math.floor(random() * 40)),
    random() < 0.3 ? `finance Finance ${words(1)}` : '',
  ]);
}

describe('search index', () => {
  it('matches and ranks exactly as FTS5 MATCH and bm25 do over the same documents', () => {
    const documents = corpus(400, 11);
    const index = buildSearchIndex(documents);
    const fts = ftsTable(documents);
    const queries = ['data', 'da', 'd', 'vis', 'visual dash', 'elan', 'Élan naïve', 'a', 'r vis', 'near or', 'strasse', 'straße', '中文',
      'forecast', 'fore data vis', 'finance', 'fin', 'h2o', 'app', 'app 1', 'nothing', 'x data', 'datu'];
    for (const q of queries) {
      for (const includeTags of [true, false]) {
        const terms = queryTerms(q);
        const expected = fts(matchExpression(terms, { includeTags })!);
        const result = searchDocuments(index, terms, { includeTags });
        const label = JSON.stringify({ q, includeTags });
        expect([...result.docs], label).toEqual(expected.map(([doc]) => doc));
        // Equal but for the last bits of `log` (C's and V8's may differ in the final place).
        for (const [doc, rank] of expected) expect(Math.abs(result.rank[doc] - rank), `${label} doc ${doc}: ${result.rank[doc]} vs ${rank}`).toBeLessThanOrEqual(Math.abs(rank) * 1e-12);
        // The same index answered the previous queries (its scratch arrays are reused): nothing of them is left.
        const matching = new Set(expected.map(([doc]) => doc));
        const stale = documents.flatMap((_, doc) => (!matching.has(doc) && result.rank[doc] !== 0 ? [doc] : []));
        expect(stale, label).toEqual([]);
      }
    }
  });

  it('gives, through the postings merge of one indexed word per query word, exactly what the phrase by phrase walk gives', () => {
    // 2,000 documents: the bitsets over documents span 63 words of 32 bits.
    const documents = corpus(2000, 5);
    const index = buildSearchIndex(documents);
    /** The query words each of which begins one indexed word alone (searchDocuments' fast path), as term ids. */
    const single = (words: string[]) => words.map((w) => index.terms.filter((t) => (w.length > 1 ? t.startsWith(w) : t === w)));
    const queries = [['forecast'], ['finance'], ['h2o'], ['datum'], ['dashboard'], ['naïve'], ['中文'], ['forecast', 'finance'], ['finance', 'forecast'],
      ['dashboard', 'datum', 'forecast'], ['visual', 'visual'], ['near', 'forecast'], ['ſtraße'], ['elan', 'datum']].map((q) => q.flatMap((w) => queryTerms(w)));
    let fastPaths = 0;
    for (const terms of queries) {
      const ranges = single(terms);
      expect(ranges.every((r) => r.length === 1), JSON.stringify(terms)).toBe(true);
      for (const includeTags of [true, false]) {
        const label = JSON.stringify({ terms, includeTags });
        const general = searchPhrases(index, terms, { includeTags });
        const expected = { docs: [...general.docs], rank: [...general.rank] };
        const fast = searchTerms(index, ranges.map((r) => index.terms.indexOf(r[0])), { includeTags });
        expect([...fast.docs], label).toEqual(expected.docs);
        // The same sums in the same order: equal to the last bit, and 0 for every other document.
        fast.rank.forEach((rank, doc) => expect(Object.is(rank, expected.rank[doc]), `${label} doc ${doc}: ${rank} vs ${expected.rank[doc]}`).toBe(true));
        const through = searchDocuments(index, terms, { includeTags });
        expect([...through.docs], label).toEqual(expected.docs);
        fastPaths += expected.docs.length > 0 ? 1 : 0;
      }
    }
    expect(fastPaths).toBeGreaterThan(20);
    // Tag names only in the tags column: with tags not searched, `finance` matches fewer documents.
    const finance = [index.terms.indexOf('finance')];
    expect(searchTerms(index, finance, { includeTags: false }).docs.length).toBeLessThan(searchTerms(index, finance, { includeTags: true }).docs.length);
  });

  it('leaves no scratch state behind between the merge of postings and the phrase by phrase walk', () => {
    const documents = corpus(700, 9);
    const shared = buildSearchIndex(documents);
    const queries = [['data'], ['dashboard', 'forecast'], ['da'], ['vis', 'forecast'], ['forecast', 'finance', 'h2o'], ['visual'], ['r'], ['datum', 'elan']];
    for (let round = 0; round < 3; round++) {
      for (const words of queries) {
        const terms = words.flatMap((w) => queryTerms(w));
        for (const includeTags of [true, false]) {
          const fresh: SearchIndex = buildSearchIndex(documents);
          const expected = searchDocuments(fresh, terms, { includeTags });
          const result = searchDocuments(shared, terms, { includeTags });
          const label = JSON.stringify({ round, words, includeTags });
          expect([...result.docs], label).toEqual([...expected.docs]);
          expect([...result.rank], label).toEqual([...expected.rank]);
        }
      }
    }
  });

  it('finds nothing in an empty index and for no words', () => {
    expect([...searchDocuments(buildSearchIndex([]), ['data'], { includeTags: true }).docs]).toEqual([]);
    expect([...searchDocuments(buildSearchIndex(corpus(5, 3)), [], { includeTags: true }).docs]).toEqual([]);
  });
});
