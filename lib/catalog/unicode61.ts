// The words of a text exactly as SQLite's FTS5 `unicode61 remove_diacritics 2` tokenizer (app_search's)
// sees them, for the in-memory search index (search-index.ts) and the query's terms. The tokenizer works
// one code point at a time: each is either a separator or part of a word, folded (case, diacritics) to
// zero or more characters. Its tables are not JavaScript's (`ſ` folds to `s`, `Ǡ` keeps its dot, combining
// marks separate words), so they are not re-implemented here: each code point outside ASCII is asked of
// SQLite's own tokenizer once per process, the first time a text holds it, and remembered.
import 'server-only';
import Database from 'better-sqlite3';

/** A separator, or what the code point becomes inside a word. */
const SEPARATOR = null;
const known = new Map<number, string | null>();

/** ASCII: letters and digits are word characters (letters lower-cased), everything else separates. */
const asciiFold: (string | null)[] = Array.from({ length: 128 }, (_, c) => {
  const ch = String.fromCharCode(c);
  if (/[0-9a-z]/.test(ch)) return ch;
  if (/[A-Z]/.test(ch)) return ch.toLowerCase();
  return SEPARATOR;
});

let probe: { db: Database.Database; insert: Database.Statement; terms: Database.Statement } | null = null;

function tokenizer() {
  if (!probe) {
    const db = new Database(':memory:');
    db.exec(`CREATE VIRTUAL TABLE probe USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');
      CREATE VIRTUAL TABLE probe_terms USING fts5vocab(probe, instance);`);
    probe = {
      db,
      insert: db.prepare('INSERT INTO probe (rowid, text) VALUES (?, ?)'),
      terms: db.prepare('SELECT doc, term FROM probe_terms ORDER BY doc, offset').raw(),
    };
  }
  return probe;
}

/** Asks SQLite's tokenizer how each of `codePoints` tokenizes between two ASCII letters: joined to them (folded) or apart. */
function learn(codePoints: Iterable<number>): void {
  const { db, insert, terms } = tokenizer();
  const asked = [...codePoints].filter((c) => !known.has(c));
  if (asked.length === 0) return;
  const rows = db.transaction(() => {
    db.exec('DELETE FROM probe');
    for (const c of asked) insert.run(c, `q${String.fromCodePoint(c)}z`);
    return terms.all() as [number, string][];
  })();
  const byDoc = new Map<number, string[]>();
  for (const [doc, term] of rows) byDoc.set(doc, [...(byDoc.get(doc) ?? []), term]);
  for (const c of asked) {
    const words = byDoc.get(c) ?? [];
    if (words.length === 2 && words[0] === 'q' && words[1] === 'z') known.set(c, SEPARATOR);
    else if (words.length === 1 && words[0].startsWith('q') && words[0].endsWith('z')) known.set(c, words[0].slice(1, -1));
    else throw new Error(`Unexpected FTS5 tokenization of U+${c.toString(16)}: ${JSON.stringify(words)}`);
  }
}

/** Learns every code point of `texts` outside ASCII that is not known yet, in one batch. */
function learnAll(texts: readonly string[]): void {
  let unknown: Set<number> | null = null;
  for (const text of texts) {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) < 128) continue;
      const c = text.codePointAt(i)!;
      if (c > 0xffff) i++;
      if (!known.has(c)) (unknown ??= new Set()).add(c);
    }
  }
  if (unknown) learn(unknown);
}

/**
 * Calls `word` for each word of `text`, in order, as FTS5's unicode61 tokenizer with remove_diacritics 2
 * indexes it. Code points it has not met must have been learnt first (learnAll).
 */
function eachWord(text: string, word: (w: string) => void): void {
  // A word of ASCII letters and digits only is one slice of the text, lower-cased; others are built per code point.
  let start = -1;
  let folded = '';
  let ascii = true;
  const end = (at: number) => {
    if (start >= 0) {
      const w = ascii ? text.slice(start, at).toLowerCase() : folded;
      if (w) word(w);
    }
    start = -1;
    folded = '';
    ascii = true;
  };
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 128) {
      const f = asciiFold[unit];
      if (f === SEPARATOR) end(i);
      else {
        if (start < 0) start = i;
        if (!ascii) folded += f;
      }
      continue;
    }
    const c = text.codePointAt(i)!;
    const at = i;
    if (c > 0xffff) i++;
    const f = known.get(c);
    if (f === undefined) throw new Error(`U+${c.toString(16)} was not learnt before tokenizing`);
    if (f === SEPARATOR) {
      end(at);
      continue;
    }
    if (start < 0) start = at;
    if (ascii) {
      folded = text.slice(start, at).toLowerCase();
      ascii = false;
    }
    folded += f;
  }
  end(text.length);
}

/** The words of each of `texts` (one call learns every new code point at once). */
export function tokenizeAll(texts: readonly string[], word: (textIndex: number, w: string) => void): void {
  learnAll(texts);
  texts.forEach((text, index) => eachWord(text, (w) => word(index, w)));
}

/** The words of `text` as FTS5 indexes them. */
export function tokenize(text: string): string[] {
  const words: string[] = [];
  tokenizeAll([text], (_, w) => words.push(w));
  return words;
}
