// What a person typed into the catalog's search box as the words a search matches: FTS5's own words
// (unicode61.ts), so quotes, `*`, `:`, parentheses and FTS5's operators are only separators or words and
// a query can never change the meaning of a MATCH expression. Server-only: the tokenizer is SQLite's.
import 'server-only';
import { MAX_QUERY_LENGTH, MAX_TERM_LENGTH, MAX_TERMS, SEARCH_COLUMNS } from './search-query';
import { tokenize } from './unicode61';

/** The distinct words of `query` (at most eight, each at most 64 code points), folded as app_search indexes words. */
export function queryTerms(query: string): string[] {
  const words = tokenize(query.normalize('NFKC').slice(0, MAX_QUERY_LENGTH)).map((w) => [...w].slice(0, MAX_TERM_LENGTH).join(''));
  return [...new Set(words)].slice(0, MAX_TERMS);
}

/**
 * The FTS5 MATCH expression for `terms` that the in-memory index (search-walk.ts) evaluates too: every
 * word, each as a prefix ("vis" finds "visual"), words of one character whole (a one-character prefix
 * would match most of the catalog). `includeTags: false` restricts it to the columns a visitor may
 * search (not tag names). Null without words.
 */
export function matchExpression(terms: readonly string[], options: { includeTags: boolean }): string | null {
  if (terms.length === 0) return null;
  const body = terms.map((t) => `"${t.replaceAll('"', '""')}"${t.length > 1 ? '*' : ''}`).join(' ');
  if (options.includeTags) return body;
  const columns = SEARCH_COLUMNS.filter((c) => c !== 'tags').join(' ');
  return `{${columns}} : (${body})`;
}
