import { describe, expect, it } from 'vitest';
import { matchExpression, queryTerms } from './search-terms';

const match = (q: string, includeTags = true) => matchExpression(queryTerms(q), { includeTags });

describe('queryTerms', () => {
  it('gives FTS5 words: folded, separated as unicode61 separates them, without duplicates', () => {
    expect(queryTerms('  ai.h2o.examples  "Churn" -model* (NEAR)')).toEqual(['ai', 'h2o', 'examples', 'churn', 'model', 'near']);
    expect(queryTerms('Café café Données ſtraße')).toEqual(['cafe', 'donnees', 'straße']);
    expect(queryTerms(' "*:-() ')).toEqual([]);
  });
  it('keeps at most eight words of at most 64 code points, never splitting a surrogate pair', () => {
    expect(queryTerms('a b c d e f g h i j')).toHaveLength(8);
    const long = queryTerms('𝐀'.repeat(100))[0];
    expect([...long]).toHaveLength(64);
    expect(long.isWellFormed()).toBe(true);
  });
});

describe('matchExpression', () => {
  it('requires every word, each as a quoted prefix', () => {
    expect(match('time ser')).toBe('"time"* "ser"*');
  });
  it('matches one-character words whole', () => {
    expect(match('R studio')).toBe('"r" "studio"*');
  });
  it('turns FTS5 syntax into plain words', () => {
    expect(match('a OR b NOT "c')).toBe('"a" "or"* "b" "not"* "c"');
    expect(match('title:secret')).toBe('"title"* "secret"*');
  });
  it('leaves tag names out of the columns for viewers who may not see tags', () => {
    expect(match('finance', false)).toBe('{name title description long_description} : ("finance"*)');
  });
  it('is null when nothing searchable remains', () => {
    expect(match('***')).toBeNull();
  });
});
