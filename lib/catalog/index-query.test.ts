import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { HeadIndex, IndexedTag } from './head-index';
import { denseSearchStats, filterMatches, firstInOrder, queryIndex, sqliteLower } from './index-query';
import { denseUse } from './dense-terms';
import { buildSearchIndex } from './search-index';
import { searchPhrases } from './search-walk';
import { countFacet, popcount, tagSetsOf } from './tag-sets';

/**
 * A page as worked out head by head: `heads` (filtered and in page order) paged by 24, and each facet tag's count
 * among the `matches` the other facet's filter lets through (categories follow the badge, badges the categories).
 */
function pageWorkedOut(o: {
  heads: number[];
  matches: number[];
  perHead: number[][];
  tags: IndexedTag[];
  inCategory: (h: number) => boolean;
  inBadge: (h: number) => boolean;
  page: number;
}) {
  const count = (kind: 'isCategory' | 'isBadge', within: (h: number) => boolean) =>
    o.tags.flatMap((t, i) => {
      const c = o.matches.filter((h) => within(h) && o.perHead[h].includes(i)).length;
      return t[kind] && c > 0 ? [{ name: t.name, title: t.title, color: t.color, count: c }] : [];
    });
  const pageCount = Math.max(1, Math.ceil(o.heads.length / 24));
  const p = Math.min(o.page, pageCount);
  return {
    total: o.heads.length,
    page: p,
    pageCount,
    appIds: o.heads.slice((p - 1) * 24, p * 24).map((h) => `app-${h}`),
    categories: count('isCategory', o.inBadge),
    badges: count('isBadge', o.inCategory),
  };
}

/** A head index over heads 0..n-1 (`app-<i>`) in recency order, with each head's tags, title order and titles. */
function syntheticIndex(o: { perHead: number[][]; tags: IndexedTag[]; titleRank: Int32Array; sortTitles: string[]; search: HeadIndex['search'] }): HeadIndex {
  const n = o.perHead.length;
  const tagStart = new Int32Array(n + 1);
  o.perHead.forEach((list, i) => (tagStart[i + 1] = tagStart[i] + list.length));
  const ids = Array.from({ length: n }, (_, i) => `app-${i}`);
  return {
    appIds: ids,
    docIds: Int32Array.from({ length: n }, (_, i) => i),
    sortTitles: o.sortTitles,
    names: ids,
    updatedAt: new Float64Array(n),
    titleRank: o.titleRank,
    tagStart,
    tagList: Int32Array.from(o.perHead.flat()),
    tags: o.tags,
    byDoc: Int32Array.from({ length: n }, (_, i) => i),
    search: o.search,
  };
}

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
        // With the first key given (items above the heap's worst passed over unseen): the same, ties included.
        expect(firstInOrder(items, k, compare, key).slice(0, k), `n=${n} k=${k} keyed`).toEqual(sorted.slice(0, k));
      }
    }
  });
});

describe('popcount', () => {
  it('counts the set bits of any 32-bit word', () => {
    for (const x of [0, 1, 2, 3, 0xff, 0x80000000, 0xffffffff, 0x55555555, 0x12345678, -1, -2147483648]) {
      expect(popcount(x), String(x)).toBe([...(x >>> 0).toString(2)].filter((b) => b === '1').length);
    }
  });
});

describe('queryIndex with a search', () => {
  // 2,000 heads (63 words of 32 bits): 8 categories, 8 badges, 2 tags of neither kind; some tags on most
  // heads (kept as bitsets), some on a few (kept as lists of heads).
  let seed = 11;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const n = 2000;
  const tags = Array.from({ length: 18 }, (_, i) => ({ id: `t${i}`, rowid: i + 1, name: `tag-${i}`, title: `Tag ${i}`, color: '#000000', isCategory: i < 8, isBadge: i >= 8 && i < 16 }));
  const share = tags.map((_, i) => [0.6, 0.3, 0.1, 0.01, 0.002, 0, 0.5, 0.04, 0.7, 0.02, 0.005, 0.2, 0.001, 0.9, 0.03, 0.25, 0.4, 0.01][i]);
  const perHead = Array.from({ length: n }, () => tags.flatMap((_, t) => (random() < share[t] ? [t] : [])));
  const titleRank = new Int32Array(n);
  Array.from({ length: n }, (_, i) => i).sort(() => random() - 0.5).forEach((head, rank) => (titleRank[head] = rank));
  const vocabulary = ['data', 'dashboard', 'model', 'vision', 'forecast', 'rare', 'churn', 'a'];
  // Words on most heads, and a rare one; a few titles equal to a word (the exact-title boost).
  const weight = [0.8, 0.5, 0.7, 0.3, 0.9, 0.003, 0.6, 0.4];
  const words = () => vocabulary.filter((_, w) => random() < weight[w]).join(' ');
  // Some words many times over: weighted counts above a byte's 255 (30 title instances of 'churn': 300), and
  // above 63 instances in a column (90 of 'forecast': the index keeps those counts exactly, aside), and a prefix
  // ('fore': forecast and forecaster) whose summed count is above 255.
  const many = (i: number) => (i % 103 === 0 ? ' churn'.repeat(30) : '');
  const documents = Array.from({ length: n }, (_, i) => [
    `app-${i}`,
    i % 397 === 0 ? 'model' : words() + many(i),
    words() + (i % 101 === 0 ? `${' forecast'.repeat(90)} forecaster` : ''),
    words(),
    perHead[i].map((t) => tags[t].name).join(' '),
  ]);
  const index = syntheticIndex({ perHead, tags, titleRank, sortTitles: documents.map((d) => d[1].toLowerCase()), search: buildSearchIndex(documents) });

  it('keeps dense tags as bitsets and sparse ones as lists', () => {
    const sets = tagSetsOf(index);
    expect(sets.bits.filter(Boolean).length).toBeGreaterThan(3);
    expect(sets.lists.filter(Boolean).length).toBeGreaterThan(3);
    expect(sets.bits[16]).toBeNull(); // neither a category nor a badge: not counted
    expect(sets.lists[16]).toBeNull();
  });

  const filters: [string[], string][] = [
    [[], ''],
    [['tag-0'], ''],
    [['tag-3'], ''],
    [['tag-1', 'tag-4', 'tag-7'], ''],
    [[], 'tag-13'],
    [[], 'tag-12'],
    [['tag-0', 'tag-2'], 'tag-8'],
    [['tag-5'], ''],
    [['no-such-tag'], ''],
    [[], 'tag-3'],
  ];

  it('counts facets and selects over bitsets exactly as over the matches\' tag lists', () => {
    // Match sets of every density, and ones ending and starting at 32-bit word boundaries.
    const matchSets = [
      [],
      [0],
      [31, 32, 33, 63, 64, 1999],
      Array.from({ length: n }, (_, i) => i),
      ...[0.9, 0.5, 0.1, 0.01].map((p) => Array.from({ length: n }, (_, i) => i).filter(() => random() < p)),
    ].map((heads) => Int32Array.from(heads));
    for (const heads of matchSets) {
      for (const [categories, badge] of filters) {
        const label = JSON.stringify({ matches: heads.length, categories, badge });
        const lists = filterMatches(index, heads, { categories, badge }, 'lists');
        const byLists = { selected: [...lists.selected], categoryCounts: [...lists.categoryCounts], badgeCounts: [...lists.badgeCounts] };
        const sets = filterMatches(index, heads, { categories, badge }, 'sets');
        expect([...sets.selected], label).toEqual(byLists.selected);
        // The counts a page shows: categories' of the category facet, badges' of the badge facet.
        tags.forEach((tag, t) => {
          if (tag.isCategory) expect(sets.categoryCounts[t], `${label} ${tag.name}`).toBe(byLists.categoryCounts[t]);
          if (tag.isBadge) expect(sets.badgeCounts[t], `${label} ${tag.name}`).toBe(byLists.badgeCounts[t]);
        });
      }
    }
  });

  it("counts a facet's tags the same by their sets and by walking the heads' tag lists", () => {
    const sets = tagSetsOf(index);
    for (const p of [1, 0.5, 0.1, 0.01, 0]) {
      const within = new Uint32Array(sets.words);
      for (let h = 0; h < n; h++) if (random() < p) within[h >>> 5] |= 1 << (h & 31);
      for (const kind of [sets.isCategory, sets.isBadge]) {
        // A cost of 0: by sets whatever the heads; of Infinity: by walking them.
        const bySets = new Int32Array(tags.length);
        const byWalk = new Int32Array(tags.length);
        countFacet(index, sets, kind, 0, within, bySets);
        countFacet(index, sets, kind, Infinity, within, byWalk);
        expect([...byWalk], `share ${p}`).toEqual([...bySets]);
        // And as counted head by head.
        const expected = tags.map((_, t) => (kind[t] ? perHead.filter((list, h) => list.includes(t) && (within[h >>> 5] >>> (h & 31)) & 1).length : 0));
        expect([...bySets], `share ${p}`).toEqual(expected);
      }
    }
  });

  /** The page worked out head by head: the general search, every head's tags, a full sort. */
  function expected(q: string[], categories: string[], badge: string, sort: 'relevance' | 'updated' | 'title', page: number, exact: string, includeTags = true) {
    const { docs, rank: ranks } = searchPhrases(index.search!, q, { includeTags });
    const rank = [...ranks];
    const has = (head: number, names: string[], kind: 'isCategory' | 'isBadge') => perHead[head].some((t) => tags[t][kind] && names.includes(tags[t].name));
    const inCategory = (h: number) => categories.length === 0 || has(h, categories, 'isCategory');
    const inBadge = (h: number) => !badge || has(h, [badge], 'isBadge');
    const matches = [...docs];
    const heads = matches.filter((h) => inCategory(h) && inBadge(h));
    const boosted = (h: number) => +!(index.sortTitles[h] === exact || sqliteLower(index.names[h]) === exact);
    if (sort === 'title') heads.sort((a, b) => titleRank[a] - titleRank[b]);
    if (sort === 'relevance') heads.sort((a, b) => boosted(a) - boosted(b) || rank[a] - rank[b] || titleRank[a] - titleRank[b]);
    return pageWorkedOut({ heads, matches, perHead, tags, inCategory, inBadge, page });
  }

  it('gives the page worked out head by head, for searches matching most heads, some, or few', () => {
    const queries = ['data', 'forecast', 'model', 'rare', 'data model', 'forecast churn', 'dash vis', 'a', 'nothing', 'da', 'a rare'];
    for (const query of queries) {
      const terms = query.split(' ');
      for (const [categories, badge] of filters) {
        for (const sort of ['relevance', 'updated', 'title'] as const) {
          const page = 1 + Math.floor(random() * 3);
          const label = JSON.stringify({ query, categories, badge, sort, page });
          const result = queryIndex(index, { search: { terms, includeTags: true }, categories, badge, sort, exact: query, page, pageSize: 24 });
          expect(result, label).toEqual(expected(terms, categories, badge, sort, page, query));
        }
      }
    }
  });

  it('gives the same pages over common words\' bitsets and rank orders (dense-terms.ts) as worked out head by head', () => {
    // Forced for every word (these 2,000 heads are below the share of the catalog it is used for by default),
    // with and without tag names searched ('tag' is in the tags column alone), pages deep into the matches.
    // Prefixes of several words too ('da': data and dashboard; 'ta': tag and tag-…'s other words).
    const queries = ['data', 'forecast', 'model', 'rare', 'data model', 'forecast churn model', 'dash vis', 'a', 'a rare', 'tag', 'tag data', '0 data', 'nothing', 'da', 'da mod', 'fore chu', 'ta', 'da nothing'];
    const answeredBefore = denseSearchStats.answered;
    let eligible = 0;
    for (const query of queries) {
      const terms = query.split(' ');
      for (const includeTags of [true, false]) {
        for (const [categories, badge] of filters) {
          for (const sort of ['relevance', 'updated'] as const) {
            for (const page of [1, 2, 3, 40]) {
              const label = JSON.stringify({ query, includeTags, categories, badge, sort, page });
              const result = queryIndex(index, { search: { terms, includeTags }, categories, badge, sort, exact: query, page, pageSize: 24 }, 'always');
              expect(result, label).toEqual(expected(terms, categories, badge, sort, page, query, includeTags));
              if (!query.includes('nothing')) eligible++;
            }
          }
        }
      }
    }
    // Every query but those with a word no card has took the dense path.
    expect(denseSearchStats.answered - answeredBefore).toBe(eligible);
  });
});

describe('queryIndex without a search', () => {
  // A synthetic index: 2,000 heads in recency order, 20 categories and 10 badges.
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const n = 2000;
  const tags = Array.from({ length: 30 }, (_, i) => ({ id: `t${i}`, rowid: i + 1, name: `tag-${i}`, title: `Tag ${i}`, color: '#000000', isCategory: i < 20, isBadge: i >= 20 }));
  const perHead = Array.from({ length: n }, () => [...new Set(Array.from({ length: Math.floor(random() * 4) }, () => Math.floor(random() * tags.length)))].sort((a, b) => a - b));
  const titleOrder = Array.from({ length: n }, (_, i) => i).sort(() => random() - 0.5);
  const titleRank = new Int32Array(n);
  titleOrder.forEach((head, rank) => (titleRank[head] = rank));
  const index = syntheticIndex({ perHead, tags, titleRank, sortTitles: Array.from({ length: n }, (_, i) => `title ${i}`), search: null });

  /** The page worked out head by head, as the SQL reference would. */
  function expected(categories: string[], badge: string, sort: 'updated' | 'title', page: number) {
    // A name that is no tag of that kind matches nothing.
    const has = (head: number, names: string[], kind: 'isCategory' | 'isBadge') => perHead[head].some((t) => tags[t][kind] && names.includes(tags[t].name));
    const inCategory = (h: number) => categories.length === 0 || has(h, categories, 'isCategory');
    const inBadge = (h: number) => !badge || has(h, [badge], 'isBadge');
    const heads = Array.from({ length: n }, (_, i) => i).filter((h) => inCategory(h) && inBadge(h));
    if (sort === 'title') heads.sort((a, b) => titleRank[a] - titleRank[b]);
    const all = Array.from({ length: n }, (_, h) => h);
    return pageWorkedOut({ heads, matches: all, perHead, tags, inCategory, inBadge, page });
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

describe('queryIndex over common words by default', () => {
  it('answers searches whose words are on one head in 32 or more over their bitsets, from 4,096 heads, and others by the general path', () => {
    // 5,000 heads: 'common' on every other head, 'some' on one in 20 (a prefix of 'something' on one in 20 more),
    // 'rare' on one in 100.
    const n = 5000;
    const tags = [{ id: 't0', rowid: 1, name: 'tag-0', title: 'Tag 0', color: '#000000', isCategory: true, isBadge: false }];
    const perHead = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? [0] : []));
    const titleRank = Int32Array.from({ length: n }, (_, i) => (i * 7) % n);
    const text = (i: number) => [i % 2 ? 'common' : '', i % 20 === 0 ? 'some' : '', i % 20 === 1 ? 'something' : '', i % 100 === 5 ? 'rare' : ''].join(' ');
    const documents = Array.from({ length: n }, (_, i) => [`app-${i}`, `title ${i}`, text(i), '', perHead[i].length ? 'tag-0' : '']);
    const index = syntheticIndex({ perHead, tags, titleRank, sortTitles: documents.map((d) => d[1]), search: buildSearchIndex(documents) });
    const answered = (query: string) => {
      const before = denseSearchStats.answered;
      const q = { search: { terms: query.split(' '), includeTags: true }, categories: [], badge: '', sort: 'relevance' as const, exact: query, page: 1, pageSize: 24 };
      expect(queryIndex(index, q), query).toEqual(queryIndex(index, q, 'never'));
      return denseSearchStats.answered > before;
    };
    expect(answered('common')).toBe(true);
    expect(answered('some')).toBe(true); // 'some' and 'something': one head in 10
    expect(answered('common some')).toBe(true);
    expect(answered('something')).toBe(true); // one in 20
    expect(answered('rare')).toBe(false); // one in 100: its postings are few
    expect(answered('common rare')).toBe(false);
  });
});

describe('common words kept per index (dense-terms.ts)', () => {
  it('hold at most as many bytes as the postings, least recently used out, and give the same pages when built again', () => {
    // 600 heads, each with the same 40 words (every word on every head: 4 bytes a match per word and search
    // kind, more than the postings' 8 bytes a posting once both kinds of search have been made).
    const n = 600;
    const words = Array.from({ length: 40 }, (_, i) => `word${i}`);
    const tags = [{ id: 't0', rowid: 1, name: 'tag-0', title: 'Tag 0', color: '#000000', isCategory: true, isBadge: false }];
    const perHead = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? [0] : []));
    const titleRank = Int32Array.from({ length: n }, (_, i) => (i * 7) % n);
    const documents = Array.from({ length: n }, (_, i) => [`app-${i}`, `title ${i % 5 === 0 ? words[i % 40] : ''}`, words.join(' '), words.slice(0, i % 40).join(' '), i % 3 === 0 ? 'tag-0' : '']);
    const index = syntheticIndex({ perHead, tags, titleRank, sortTitles: documents.map((d) => d[1]), search: buildSearchIndex(documents) });
    const budget = 8 * index.search!.docs.length;
    const page = (word: string, includeTags: boolean, dense: 'always' | 'never') =>
      queryIndex(index, { search: { terms: [word], includeTags }, categories: ['tag-0'], badge: '', sort: 'relevance', exact: word, page: 2, pageSize: 24 }, dense);
    for (const round of [0, 1]) {
      for (const includeTags of [true, false]) {
        for (const word of words) {
          expect(page(word, includeTags, 'always'), `${round} ${word} ${includeTags}`).toEqual(page(word, includeTags, 'never'));
          expect(denseUse(index).bytes).toBeLessThanOrEqual(budget);
        }
      }
    }
    // Some were let go: not every word of both kinds is kept.
    expect(denseUse(index).words).toBeLessThan(2 * words.length);
    expect(denseUse(index).words).toBeGreaterThan(0);
  });
});
