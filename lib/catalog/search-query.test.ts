import { describe, expect, it } from 'vitest';
import { catalogHref, MAX_CATEGORIES, parseCatalogParams, searchTerms, toggleCategory } from './search-query';

describe('searchTerms', () => {
  it('splits on anything that is not a letter or digit, as the tokenizer does', () => {
    expect(searchTerms('  ai.h2o.examples  "churn" -model* (NEAR)')).toEqual(['ai', 'h2o', 'examples', 'churn', 'model', 'NEAR']);
  });
  it('keeps letters outside ASCII and drops duplicates', () => {
    expect(searchTerms('Café café données')).toEqual(['Café', 'café', 'données']);
    expect(searchTerms('churn churn')).toEqual(['churn']);
  });
  it('is empty for punctuation only', () => {
    expect(searchTerms(' "*:-() ')).toEqual([]);
  });
});

describe('parseCatalogParams / catalogHref', () => {
  it('defaults to relevance when searching and to recently updated otherwise', () => {
    expect(parseCatalogParams({ q: 'churn' }).sort).toBe('relevance');
    expect(parseCatalogParams({}).sort).toBe('updated');
    expect(parseCatalogParams({ sort: 'relevance' }).sort).toBe('updated');
    expect(parseCatalogParams({ q: 'x', sort: 'title' }).sort).toBe('title');
    expect(parseCatalogParams({ sort: 'bogus' }).sort).toBe('updated');
  });
  it('keeps pages in range', () => {
    expect(parseCatalogParams({ page: '3' }).page).toBe(3);
    expect(parseCatalogParams({ page: '0' }).page).toBe(1);
    expect(parseCatalogParams({ page: '-2' }).page).toBe(1);
    expect(parseCatalogParams({ page: '1.5' }).page).toBe(1);
    expect(parseCatalogParams({ page: ['2', '5'] }).page).toBe(2);
  });
  it('round-trips through the URL and leaves defaults out', () => {
    const params = parseCatalogParams({ q: 'time series', category: 'forecasting', page: '2' });
    expect(catalogHref(params)).toBe('/?q=time+series&category=forecasting&page=2');
    expect(catalogHref(params, { page: 1, sort: 'title' })).toBe('/?q=time+series&category=forecasting&sort=title');
    expect(parseCatalogParams(Object.fromEntries(new URLSearchParams(catalogHref(params).slice(2))))).toEqual(params);
    expect(catalogHref(parseCatalogParams({}))).toBe('/');
  });
  it('reads several categories (any-of), sorted and without duplicates, and toggles one in and out', () => {
    const params = parseCatalogParams({ category: ['vision', ' nlp ', 'vision', ''] });
    expect(params.categories).toEqual(['nlp', 'vision']);
    expect(catalogHref(params)).toBe('/?category=nlp&category=vision');
    const url = new URLSearchParams(catalogHref(params).slice(2));
    expect(parseCatalogParams({ category: url.getAll('category') })).toEqual(params);
    expect(toggleCategory(params.categories, 'nlp')).toEqual(['vision']);
    expect(toggleCategory(params.categories, 'audio')).toEqual(['audio', 'nlp', 'vision']);
    expect(parseCatalogParams({ category: Array.from({ length: 20 }, (_, i) => `c${i}`) }).categories).toHaveLength(MAX_CATEGORIES);
  });
});
