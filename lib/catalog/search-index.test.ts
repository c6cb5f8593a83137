import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BM25_WEIGHTS } from './search-query';
import { buildSearchIndex, searchDocuments, type SearchDocument } from './search-index';
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

  it('finds nothing in an empty index and for no words', () => {
    expect([...searchDocuments(buildSearchIndex([]), ['data'], { includeTags: true }).docs]).toEqual([]);
    expect([...searchDocuments(buildSearchIndex(corpus(5, 3)), [], { includeTags: true }).docs]).toEqual([]);
  });
});
