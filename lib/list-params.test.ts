import { describe, expect, it } from 'vitest';
import { clampPage, containsPattern, listHref, pageCountOf, parseListParams } from './list-params';

const SORTS = ['name', 'newest'] as const;

describe('list URL state', () => {
  it('reads the search, a known sort and a page number, falling back to the defaults on anything else', () => {
    expect(parseListParams({ q: '  wave ', sort: 'newest', page: '3' }, SORTS, 'name')).toEqual({ q: 'wave', sort: 'newest', page: 3 });
    expect(parseListParams({}, SORTS, 'name')).toEqual({ q: '', sort: 'name', page: 1 });
    expect(parseListParams({ sort: 'password', page: '0' }, SORTS, 'name')).toEqual({ q: '', sort: 'name', page: 1 });
    expect(parseListParams({ page: '-2' }, SORTS, 'name').page).toBe(1);
    expect(parseListParams({ page: '2.5' }, SORTS, 'name').page).toBe(1);
    expect(parseListParams({ page: '99999999' }, SORTS, 'name').page).toBe(1);
    expect(parseListParams({ q: ['a', 'b'], page: ['2'] }, SORTS, 'name')).toEqual({ q: '', sort: 'name', page: 1 });
    expect(parseListParams({ q: 'x'.repeat(500) }, SORTS, 'name').q).toHaveLength(100);
  });

  it('counts pages and keeps a page past the end on the last one', () => {
    expect(pageCountOf(0, 20)).toBe(1);
    expect(pageCountOf(20, 20)).toBe(1);
    expect(pageCountOf(21, 20)).toBe(2);
    expect(clampPage(5, 21, 20)).toBe(2);
    expect(clampPage(1, 0, 20)).toBe(1);
  });

  it('builds links without empty values, page 1 or the default sort', () => {
    expect(listHref('/my-apps', { q: '', sort: 'name', page: 1 }, { sort: 'name' })).toBe('/my-apps');
    expect(listHref('/my-apps', { q: 'a b&c', sort: 'newest', page: 2 }, { sort: 'name' })).toBe('/my-apps?q=a+b%26c&sort=newest&page=2');
    expect(listHref('/admin/apps', { owner: 'u1', visibility: undefined, page: 3 })).toBe('/admin/apps?owner=u1&page=3');
  });

  it('escapes LIKE wildcards in a search', () => {
    expect(containsPattern('50%_off\\')).toBe('%50\\%\\_off\\\\%');
  });
});
