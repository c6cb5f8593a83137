import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { HeadIndex } from './head-index';
import { firstInOrder, queryIndex, sqliteLower } from './index-query';

describe('sqliteLower', () => {
  it("lower-cases as SQLite's lower() does without ICU (ASCII letters only), which the SQL reference compares Names with", () => {
    const strings = ['App-Name_1.0', 'ÄÖÜ Straße', 'ΣΊΣΥΦΟΣ', 'İstanbul', 'ＡＢＣ', 'MiXeD-ÉcLaIr', ''];
    const db = new Database(':memory:');
    for (const s of strings) expect(sqliteLower(s), s).toBe((db.prepare('SELECT lower(?) AS l').get(s) as { l: string }).l);
    db.close();
  });
});

describe('firstInOrder', () => {
  it('gives the first k items of a full sort, for small and large k, with ties broken by the order given', () => {
    let seed = 3;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const n of [0, 1, 5, 100, 2000]) {
      const items = Array.from({ length: n }, (_, i) => i);
      const key = items.map(() => Math.floor(random() * 50));
      const compare = (a: number, b: number) => key[a] - key[b] || a - b;
      const sorted = [...items].sort(compare);
      for (const k of [0, 1, 24, 48, 250, n]) {
        expect(firstInOrder(items, k, compare).slice(0, k), `n=${n} k=${k}`).toEqual(sorted.slice(0, k));
      }
    }
  });
});

describe('queryIndex without a search', () => {
  // A synthetic index: 2,000 heads in recency order, 20 categories and 10 badges.
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const n = 2000;
  const tags = Array.from({ length: 30 }, (_, i) => ({ id: `t${i}`, rowid: i + 1, name: `tag-${i}`, title: `Tag ${i}`, color: '#000000', isCategory: i < 20, isBadge: i >= 20 }));
  const perHead = Array.from({ length: n }, () => [...new Set(Array.from({ length: Math.floor(random() * 4) }, () => Math.floor(random() * tags.length)))].sort((a, b) => a - b));
  const tagStart = new Int32Array(n + 1);
  perHead.forEach((list, i) => (tagStart[i + 1] = tagStart[i] + list.length));
  const titleOrder = Array.from({ length: n }, (_, i) => i).sort(() => random() - 0.5);
  const titleRank = new Int32Array(n);
  titleOrder.forEach((head, rank) => (titleRank[head] = rank));
  const index: HeadIndex = {
    appIds: Array.from({ length: n }, (_, i) => `app-${i}`),
    docIds: Int32Array.from({ length: n }, (_, i) => i),
    sortTitles: Array.from({ length: n }, (_, i) => `title ${i}`),
    names: Array.from({ length: n }, (_, i) => `app-${i}`),
    updatedAt: new Float64Array(n),
    titleRank,
    tagStart,
    tagList: Int32Array.from(perHead.flat()),
    tags,
    byDoc: Int32Array.from({ length: n }, (_, i) => i),
    search: null,
  };

  /** The page worked out head by head, as the SQL reference would. */
  function expected(categories: string[], badge: string, sort: 'updated' | 'title', page: number) {
    // A name that is no tag of that kind matches nothing.
    const has = (head: number, names: string[], kind: 'isCategory' | 'isBadge') => perHead[head].some((t) => tags[t][kind] && names.includes(tags[t].name));
    const inCategory = (h: number) => categories.length === 0 || has(h, categories, 'isCategory');
    const inBadge = (h: number) => !badge || has(h, [badge], 'isBadge');
    const heads = Array.from({ length: n }, (_, i) => i).filter((h) => inCategory(h) && inBadge(h));
    if (sort === 'title') heads.sort((a, b) => titleRank[a] - titleRank[b]);
    const count = (kind: 'isCategory' | 'isBadge', within: (h: number) => boolean) =>
      tags.flatMap((t, i) => {
        const c = Array.from({ length: n }, (_, h) => h).filter((h) => within(h) && perHead[h].includes(i)).length;
        return t[kind] && c > 0 ? [{ name: t.name, title: t.title, color: t.color, count: c }] : [];
      });
    const pageCount = Math.max(1, Math.ceil(heads.length / 24));
    const p = Math.min(page, pageCount);
    return {
      total: heads.length,
      page: p,
      pageCount,
      appIds: heads.slice((p - 1) * 24, p * 24).map((h) => `app-${h}`),
      categories: count('isCategory', inBadge),
      badges: count('isBadge', inCategory),
    };
  }

  it('gives the same pages from the filter results it keeps as worked out afresh, over more filter sets than it keeps', () => {
    const filters: [string[], string][] = [[[], '']];
    for (let i = 0; i < 20; i++) filters.push([[`tag-${i}`], ''], [[`tag-${i}`, `tag-${(i + 7) % 20}`].sort(), `tag-${20 + (i % 10)}`]);
    for (let i = 20; i < 30; i++) filters.push([[], `tag-${i}`]);
    filters.push([['no-such-tag'], ''], [[], 'tag-3']); // not a category; a category named as a badge
    for (let round = 0; round < 3; round++) {
      for (const [categories, badge] of [...filters].sort(() => random() - 0.5)) {
        const sort = random() < 0.5 ? 'updated' : 'title';
        const page = 1 + Math.floor(random() * 3);
        const label = JSON.stringify({ round, categories, badge, sort, page });
        expect(queryIndex(index, { search: null, categories, badge, sort, exact: '', page, pageSize: 24 }), label).toEqual(expected(categories, badge, sort, page));
      }
    }
  });
});
