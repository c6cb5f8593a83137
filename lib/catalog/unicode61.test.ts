import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tokenize, tokenizeAll } from './unicode61';

/** What SQLite's own tokenizer (the one app_search uses) makes of each text. */
function sqliteWords(texts: string[]): string[][] {
  const db = new Database(':memory:');
  db.exec(`CREATE VIRTUAL TABLE t USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');
    CREATE VIRTUAL TABLE v USING fts5vocab(t, instance);`);
  const insert = db.prepare('INSERT INTO t (rowid, text) VALUES (?, ?)');
  db.transaction(() => texts.forEach((text, i) => insert.run(i + 1, text)))();
  const words = texts.map((): string[] => []);
  for (const { doc, term } of db.prepare('SELECT doc, term FROM v ORDER BY doc, offset').all() as { doc: number; term: string }[]) {
    words[doc - 1].push(term);
  }
  db.close();
  return words;
}

describe('unicode61 words', () => {
  it('tokenizes every code point of the Basic Multilingual Plane as SQLite does', () => {
    const texts: string[] = [];
    for (let c = 0; c < 0x10000; c++) if (c < 0xd800 || c > 0xdfff) texts.push(`Ab${String.fromCodePoint(c)}Cd`);
    const ours = texts.map((): string[] => []);
    tokenizeAll(texts, (i, w) => ours[i].push(w));
    expect(ours).toEqual(sqliteWords(texts));
  });

  it('tokenizes mixed texts, astral code points and long words as SQLite does', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const alphabet = [...'aZ9 _-.\'"*()ÀéßſǠİıΣσςДжא中文ǅﬁ①²\u0301\u0645\u0651\u200d\t\n', '😀', '𝐀', '𐐀', '\u{e0001}'];
    const texts = Array.from({ length: 2000 }, () =>
      Array.from({ length: 1 + Math.floor(random() * 30) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''),
    );
    texts.push('x'.repeat(5000), 'Forecasts **électricité** demand', '');
    expect(texts.map(tokenize)).toEqual(sqliteWords(texts));
  });
});
