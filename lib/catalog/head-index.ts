// An in-memory index of the catalog heads one audience sees (full access and admins: every shared Name;
// anonymous visitors: every PUBLIC one), rebuilt when catalog_state.generation changes. With it a search
// is one FTS5 lookup; the filters, facet counts, sort and page are computed over typed arrays instead of
// joins that read every card's tags for every request. It holds no viewer: it is built from the rows
// visibleAppsWhere lets the audience see, and chosen behind the authorization layer (catalog.ts).
import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { getDb } from '@/db';
import { catalogGeneration } from './cache';

export interface HeadIndex {
  /** Per head, in recency order (updated_at DESC, name): */
  appIds: string[];
  docIds: Int32Array;
  /** lower(sort_title) and lower(name), for the exact-match boost of relevance sorting. */
  sortTitles: string[];
  lowerNames: string[];
  /** Position in title order (sort_title, name). */
  titleRank: Int32Array;
  /** Tag indexes of each head: tagsOf[tagStart[i] .. tagStart[i+1]). */
  tagStart: Int32Array;
  tagList: Int32Array;
  /** Facet tags in display order (title COLLATE NOCASE, name). */
  tags: { name: string; title: string; color: string; isCategory: boolean; isBadge: boolean }[];
  /** doc_id → head position, -1 for a document that is no head (older versions). */
  byDoc: Int32Array;
}

/** What the index is built from; exported so that their query plans are tested (query-plan.test.ts). */
export const headIndexQueries = {
  /** The audience's heads it may see, in recency order, with their title order. */
  heads: (heads: 'shared' | 'public', visible: SQL) => sql`
    SELECT apps.id, apps.doc_id AS docId, apps.sort_title AS sortTitle, lower(apps.name) AS lowerName,
      row_number() OVER (ORDER BY apps.sort_title, apps.name) - 1 AS titleRank
    FROM (SELECT app_id AS id, name, doc_id, owner_id, visibility, sort_title, updated_at
      FROM catalog_heads WHERE audience = ${heads}) AS apps
    WHERE apps.visibility IN ('ALL_USERS', 'PUBLIC') AND ${visible}
    ORDER BY apps.updated_at DESC, apps.name ASC`,
  headTags: (heads: 'shared' | 'public') => sql`
    SELECT at.app_id AS appId, at.tag_id AS tagId FROM app_tags at
    JOIN catalog_heads h ON h.app_id = at.app_id AND h.audience = ${heads}`,
};

const indexes = new Map<string, { generation: number; client: unknown; index: HeadIndex }>();

function build(heads: 'shared' | 'public', visible: SQL): HeadIndex {
  const db = getDb();
  const rows = db.all<{ id: string; docId: number; sortTitle: string; lowerName: string; titleRank: number }>(headIndexQueries.heads(heads, visible));
  const tagRows = db.all<{ id: string; name: string; title: string; color: string; isCategory: number; isBadge: number }>(sql`
    SELECT id, name, title, color, is_category AS isCategory,
      (is_category = 0 AND json_array_length(visitor_roles) = 0) AS isBadge
    FROM tags ORDER BY title COLLATE NOCASE, name`);
  const tagIndex = new Map(tagRows.map((t, i) => [t.id, i]));
  const position = new Map(rows.map((r, i) => [r.id, i]));
  const perHead: number[][] = rows.map(() => []);
  for (const { appId, tagId } of db.all<{ appId: string; tagId: string }>(headIndexQueries.headTags(heads))) {
    const i = position.get(appId);
    const t = tagIndex.get(tagId);
    if (i !== undefined && t !== undefined) perHead[i].push(t);
  }
  const tagStart = new Int32Array(rows.length + 1);
  perHead.forEach((list, i) => (tagStart[i + 1] = tagStart[i] + list.length));
  const tagList = new Int32Array(perHead.flat());
  return {
    appIds: rows.map((r) => r.id),
    docIds: Int32Array.from(rows, (r) => r.docId),
    sortTitles: rows.map((r) => r.sortTitle),
    lowerNames: rows.map((r) => r.lowerName),
    titleRank: Int32Array.from(rows, (r) => r.titleRank),
    tagStart,
    tagList,
    tags: tagRows.map((t) => ({ name: t.name, title: t.title, color: t.color, isCategory: !!t.isCategory, isBadge: !!t.isBadge })),
    byDoc: docPositions(rows.map((r) => r.docId)),
  };
}

function docPositions(docIds: number[]): Int32Array {
  const byDoc = new Int32Array(Math.max(0, ...docIds) + 1).fill(-1);
  docIds.forEach((doc, i) => (byDoc[doc] = i));
  return byDoc;
}

/** The index for `key` (the audience), current with the catalog's generation. */
export function headIndex(key: string, heads: 'shared' | 'public', visible: SQL): HeadIndex {
  const generation = catalogGeneration();
  const client = getDb().$client;
  const hit = indexes.get(key);
  if (hit && hit.generation === generation && hit.client === client) return hit.index;
  const index = build(heads, visible);
  indexes.set(key, { generation, client, index });
  return index;
}

export interface IndexQuery {
  /** Matching [doc id, bm25 rank (lower is better)] pairs, or null for no search. */
  matches: [number, number][] | null;
  /** Any of these categories (none: no category filter). */
  categories: string[];
  badge: string;
  sort: 'relevance' | 'updated' | 'title';
  /** The lower-cased query, for the exact-title boost. */
  exact: string;
  page: number;
  pageSize: number;
}

export interface IndexResult {
  total: number;
  page: number;
  pageCount: number;
  appIds: string[];
  categories: { name: string; title: string; color: string; count: number }[];
  badges: { name: string; title: string; color: string; count: number }[];
}

/** The tag indexes named `names` of one kind; null for no filter. A name that is no such tag matches nothing. */
function tagsNamed(index: HeadIndex, names: string[], kind: 'isCategory' | 'isBadge'): Set<number> | null {
  if (names.length === 0) return null;
  const wanted = new Set(names);
  return new Set(index.tags.flatMap((t, i) => (wanted.has(t.name) && t[kind] ? [i] : [])));
}

function hasAnyTag(index: HeadIndex, head: number, tags: Set<number>): boolean {
  for (let j = index.tagStart[head]; j < index.tagStart[head + 1]; j++) if (tags.has(index.tagList[j])) return true;
  return false;
}

/**
 * Filters (any of the chosen categories, and the badge), facet counts (categories follow the badge filter,
 * badges the category filter), sort and page.
 */
export function queryIndex(index: HeadIndex, q: IndexQuery): IndexResult {
  const n = index.appIds.length;
  const category = tagsNamed(index, q.categories, 'isCategory');
  const badge = tagsNamed(index, q.badge ? [q.badge] : [], 'isBadge');
  const categoryCounts = new Int32Array(index.tags.length);
  const badgeCounts = new Int32Array(index.tags.length);
  const selected: number[] = [];
  const consider = (head: number) => {
    const inCategory = category === null || hasAnyTag(index, head, category);
    const inBadge = badge === null || hasAnyTag(index, head, badge);
    if (!inCategory && !inBadge) return;
    for (let j = index.tagStart[head]; j < index.tagStart[head + 1]; j++) {
      const t = index.tagList[j];
      if (inBadge) categoryCounts[t]++;
      if (inCategory) badgeCounts[t]++;
    }
    if (inCategory && inBadge) selected.push(head);
  };
  const rank = new Float64Array(q.matches ? n : 0);
  if (q.matches) {
    for (const [doc, docRank] of q.matches) {
      const head = doc < index.byDoc.length ? index.byDoc[doc] : -1;
      if (head < 0) continue;
      rank[head] = docRank;
      consider(head);
    }
  } else {
    for (let head = 0; head < n; head++) consider(head);
  }

  if (q.sort === 'title') selected.sort((a, b) => index.titleRank[a] - index.titleRank[b]);
  else if (q.sort === 'relevance' && q.matches) {
    const boost = (h: number) => (index.sortTitles[h] === q.exact || index.lowerNames[h] === q.exact ? 0 : 1);
    selected.sort((a, b) => boost(a) - boost(b) || rank[a] - rank[b] || index.titleRank[a] - index.titleRank[b]);
  } else selected.sort((a, b) => a - b); // recency order is the heads' order

  const total = selected.length;
  const pageCount = Math.max(1, Math.ceil(total / q.pageSize));
  const page = Math.min(q.page, pageCount);
  const start = (page - 1) * q.pageSize;
  const facet = (counts: Int32Array, kind: 'isCategory' | 'isBadge') =>
    index.tags.flatMap((t, i) => (t[kind] && counts[i] > 0 ? [{ name: t.name, title: t.title, color: t.color, count: counts[i] }] : []));
  return {
    total,
    page,
    pageCount,
    appIds: selected.slice(start, start + q.pageSize).map((h) => index.appIds[h]),
    categories: facet(categoryCounts, 'isCategory'),
    badges: facet(badgeCounts, 'isBadge'),
  };
}
