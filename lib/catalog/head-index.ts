// An in-memory index of the catalog cards one audience sees (full access and admins: every shared Name;
// anonymous visitors: every PUBLIC one; any other visitor: the newest version of each Name their roles
// and ownership open), brought up to date when catalog_state.generation changes (updated from the previous
// one by head-update.ts and search-update.ts where it can be, else rebuilt). With it a search is a walk over
// the matching words' postings (search-index.ts, built the first time the audience searches), and the
// filters, facet counts, sort and page (index-query.ts) are computed over typed arrays instead of joins
// that read every card's tags for every request. It holds no viewer: it is built from the rows
// visibleAppsWhere lets the audience see, and chosen behind the authorization layer (catalog.ts).
import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { getDb } from '@/db';
import type { AccessSettings, Viewer } from '@/lib/auth/policy';
import { catalogGeneration } from './cache';
import { assembleSearchIndex } from './document-words';
import { compareBinary, headUpdateStats, updateHeadIndex } from './head-update';
import { updateSearchIndex } from './search-update';
import { buildSearchIndex, type SearchIndex } from './search-index';

/**
 * Whose newest versions make up the cards. Full-access viewers and admins see every shared version
 * and anonymous visitors every PUBLIC one, so their cards come from the precomputed catalog_heads;
 * other visitors (authorization tags, own apps) get theirs computed from the versions they may see.
 * `key` names everything the audience's cards depend on besides the catalog's generation.
 */
export type Audience = { heads: 'shared' | 'public' | null; key: string };

/** Admins' and full-access viewers' audience: every shared Name's newest version, the same for all of them. */
export const FULL_ACCESS: Audience = { heads: 'shared', key: 'full' };

export function audienceOf(viewer: Viewer | null, settings: AccessSettings): Audience {
  if (!viewer) return { heads: 'public', key: `anonymous:${settings.publicMode}` };
  if (viewer.isAdmin || viewer.fullAccess) return FULL_ACCESS;
  return { heads: null, key: `visitor:${viewer.id}:${[...viewer.roles].sort().join(',')}:${settings.publicMode}` };
}

export const SHARED = sql`apps.visibility IN ('ALL_USERS', 'PUBLIC')`;

/**
 * The candidate cards as a table aliased `apps` with the columns visibleAppsWhere reads (id, owner_id,
 * visibility), so the visibility condition is applied to exactly the rows that become cards. `whole`: every
 * candidate is read, so catalog_heads is read in its key order (the audience's rows are one range of it)
 * rather than through an index that needs a lookup of each row.
 */
export function candidates(audience: Audience, visible: SQL, whole = false): SQL {
  if (audience.heads) {
    const byKey = whole ? sql.raw('INDEXED BY sqlite_autoindex_catalog_heads_1') : sql``;
    return sql`(SELECT app_id AS id, name, doc_id, owner_id, visibility, sort_title, updated_at, tag_ids
      FROM catalog_heads ${byKey} WHERE audience = ${audience.heads}) AS apps`;
  }
  return sql`(SELECT x.id, x.name, d.doc_id, x.owner_id, x.visibility, x.sort_title, x.updated_at FROM (
      SELECT apps.id, apps.name, apps.owner_id, apps.visibility, coalesce(apps.listed_at, apps.created_at) AS updated_at,
        lower(coalesce(nullif(trim(apps.title), ''), apps.name)) AS sort_title,
        row_number() OVER (PARTITION BY apps.name ORDER BY apps.version_key DESC) AS rn
      FROM apps WHERE ${SHARED} AND ${visible}
    ) AS x JOIN app_search_docs d ON d.app_id = x.id WHERE x.rn = 1) AS apps`;
}

export interface IndexedTag {
  id: string;
  /** The tags table's rowid (how a visitor's cards' tags are read: headIndexQueries.tagsOf). */
  rowid: number;
  name: string;
  title: string;
  color: string;
  isCategory: boolean;
  isBadge: boolean;
}

export interface HeadIndex {
  /** Per head, in recency order (updated_at DESC, name): */
  appIds: string[];
  docIds: Int32Array;
  /**
   * sort_title (the lower-cased title), for the exact-match boost of relevance sorting with the Names, and with
   * the Names and coalesce(listed_at, created_at) for updating the index in place (head-update.ts).
   */
  sortTitles: string[];
  names: string[];
  updatedAt: Float64Array;
  /** Position in title order (sort_title, name). */
  titleRank: Int32Array;
  /** Tag indexes of each head, ascending: tagList[tagStart[i] .. tagStart[i+1]). */
  tagStart: Int32Array;
  tagList: Int32Array;
  /** Facet tags in display order (title COLLATE NOCASE, name). */
  tags: IndexedTag[];
  /** doc_id → head position, -1 for a document that is no head (older versions). */
  byDoc: Int32Array;
  /** The heads' words, built by the audience's first search (searchOf). */
  search: SearchIndex | null;
}

/** What the index is built from; exported so that their query plans are tested (query-plan.test.ts). */
export const headIndexQueries = {
  /**
   * The audience's heads it may see, in title order (sort_title, name), with their tags' ids (a JSON array kept
   * in catalog_heads by triggers, migration 0013) where the heads are catalog_heads. Title order is sorted from
   * one pass over the audience's rows (walking the title index with a lookup of each head's row costs about
   * 1.5 times as much at 100,000 apps); build() sorts recency order itself.
   */
  heads: (audience: Audience, visible: SQL) => sql`
    SELECT apps.id, apps.doc_id, apps.sort_title, apps.name, apps.updated_at,
      ${audience.heads ? sql`apps.tag_ids` : sql`NULL`}
    FROM ${candidates(audience, visible, true)}
    WHERE ${SHARED} AND ${visible}
    ORDER BY apps.sort_title, apps.name`,
  /** The tags of these app versions (a JSON array of their ids), as doc id and tag rowid: a visitor's cards' tags. */
  tagsOf: (appIds: string[]) => sql`SELECT d.doc_id, t.rowid FROM app_tags at JOIN app_search_docs d ON d.app_id = at.app_id
      JOIN tags t ON t.id = at.tag_id WHERE at.app_id IN (SELECT value FROM json_each(${JSON.stringify(appIds)}))`,
  /**
   * Every head's identity in recency order, under the same conditions as `heads`: what an update
   * (head-update.ts) reads of every head.
   */
  identities: (audience: Audience, visible: SQL) => sql`
    SELECT apps.doc_id, apps.id, apps.updated_at
    FROM ${candidates(audience, visible)}
    WHERE ${SHARED} AND ${visible}
    ORDER BY apps.updated_at DESC, apps.name ASC`,
  /** Every tag, in facet display order. */
  tags: sql`SELECT id, rowid, name, title, color, is_category AS isCategory,
      (is_category = 0 AND json_array_length(visitor_roles) = 0) AS isBadge
    FROM tags ORDER BY title COLLATE NOCASE, name`,
  /** The heads' searchable texts (a JSON array of doc ids), in SEARCH_COLUMNS order. */
  texts: 'SELECT rowid, name, title, description, long_description, tags FROM app_search WHERE rowid IN (SELECT value FROM json_each(?))',
};

/**
 * Audiences kept: full access, anonymous, and the most recent visitors (each visitor is an audience of their
 * own), least recently used first out, within a bound on their number and on the cards they hold together
 * (a search index costs about 420 bytes per card in typed arrays, plus its words, and about 48 bytes of scratch
 * and tag sets: README, "How the catalog stays fast").
 */
const MAX_INDEXES = 32;
const MAX_CARDS = 400_000;
/**
 * Kept on globalThis, as the words cache is (document-words.ts): Next gives each bundle its own copy of this module,
 * and the start-up's warm-up (search-warm-up.ts, from instrumentation.ts) builds the index the catalog page reads.
 */
const INDEXES = Symbol.for('appstore.headIndexes');
const indexes = ((globalThis as { [INDEXES]?: Map<string, { generation: number; client: unknown; index: HeadIndex; started: number }> })[INDEXES] ??= new Map());

type HeadRow = [id: string, docId: number, sortTitle: string, name: string, updatedAt: number, tagIds: string | null];

/** The audience's heads and their tags, read in one snapshot. */
function build(audience: Audience, visible: SQL): HeadIndex {
  const db = getDb();
  return db.$client.transaction(() => {
    const byTitle = db.values<HeadRow>(headIndexQueries.heads(audience, visible));
    const tags = readTags();
    // Recency order (updated_at DESC, name), as headIndexQueries.identities reads it for an update: the i-th
    // head by recency is byTitle[titleRank[i]].
    const updated = Float64Array.from(byTitle, (r) => r[4]);
    const named = byTitle.map((r) => r[3]);
    const titleRank = Int32Array.from(byTitle, (_, i) => i).sort((a, b) => updated[b] - updated[a] || compareBinary(named[a], named[b]));
    const rows = Array.from(titleRank, (i) => byTitle[i]);
    const byDoc = docPositions(rows.map((r) => r[1]));
    let perHead: number[][];
    if (audience.heads) {
      const tagIds = tagIdIndexes(tags);
      perHead = rows.map((r) => tagIds(r[5]!));
    } else {
      const tagIndex = new Map(tags.map((t, i) => [t.rowid, i]));
      perHead = rows.map(() => []);
      for (const [doc, tagRow] of db.values<[number, number]>(headIndexQueries.tagsOf(rows.map((r) => r[0])))) {
        const i = doc < byDoc.length ? byDoc[doc] : -1;
        const t = tagIndex.get(tagRow);
        if (i >= 0 && t !== undefined) perHead[i].push(t);
      }
      for (const list of perHead) list.sort((a, b) => a - b);
    }
    const { tagStart, tagList } = tagLists(perHead);
    return {
      appIds: rows.map((r) => r[0]),
      docIds: Int32Array.from(rows, (r) => r[1]),
      sortTitles: rows.map((r) => r[2]),
      names: rows.map((r) => r[3]),
      updatedAt: Float64Array.from(titleRank, (i) => updated[i]),
      titleRank,
      tagStart,
      tagList,
      tags,
      byDoc,
      search: null,
    };
  })();
}

/**
 * A head's tag_ids (catalog_heads, a JSON array of tag ids) as indexes into `tags`, for one build: heads share
 * few distinct tag sets, so each distinct text is parsed once. The lists returned may be shared: not to be changed.
 */
export function tagIdIndexes(tags: IndexedTag[]): (tagIds: string) => number[] {
  const byId = new Map(tags.map((t, i) => [t.id, i]));
  const parsed = new Map<string, number[]>();
  return (tagIds) => {
    let list = parsed.get(tagIds);
    if (!list) {
      list = [];
      for (const id of JSON.parse(tagIds) as string[]) {
        const t = byId.get(id);
        if (t !== undefined) list.push(t);
      }
      list.sort((a, b) => a - b);
      parsed.set(tagIds, list);
    }
    return list;
  };
}

/** Every tag in facet order (inside the caller's snapshot). */
export function readTags(): IndexedTag[] {
  return getDb()
    .all<{ id: string; rowid: number; name: string; title: string; color: string; isCategory: number; isBadge: number }>(headIndexQueries.tags)
    .map((t) => ({ id: t.id, rowid: t.rowid, name: t.name, title: t.title, color: t.color, isCategory: !!t.isCategory, isBadge: !!t.isBadge }));
}

/** Each head's tag indexes (each list ascending) as one list with offsets. */
export function tagLists(perHead: number[][]): { tagStart: Int32Array; tagList: Int32Array } {
  const tagStart = new Int32Array(perHead.length + 1);
  perHead.forEach((list, i) => (tagStart[i + 1] = tagStart[i] + list.length));
  const tagList = new Int32Array(tagStart[perHead.length]);
  perHead.forEach((list, i) => tagList.set(list, tagStart[i]));
  return { tagStart, tagList };
}

/**
 * The heads' search index, built the first time the audience searches this generation from the words
 * cached per document (document-words.ts: only versions not seen before in this process are read and
 * tokenized; the tags column is composed from the head index's tag lists).
 */
export function searchOf(index: HeadIndex): SearchIndex {
  index.search ??= assembleSearchIndex(index);
  return index.search;
}

/**
 * The heads' search index built from scratch from app_search's texts (every document read and tokenized):
 * the reference the cached assembly is tested against, and the SQL reference path's ranks. A head whose
 * document is gone by then (deleted a moment ago) has no words.
 */
export function freshSearchIndex(index: HeadIndex): SearchIndex {
  const documents: string[][] = Array.from({ length: index.appIds.length }, () => []);
  const rows = getDb().$client.prepare(headIndexQueries.texts).raw().all(JSON.stringify([...index.docIds])) as [number, ...string[]][];
  for (const [doc, ...texts] of rows) documents[index.byDoc[doc]] = texts;
  return buildSearchIndex(documents);
}

export function docPositions(docIds: number[]): Int32Array {
  let max = 0;
  for (const doc of docIds) if (doc > max) max = doc;
  const byDoc = new Int32Array(max + 1).fill(-1);
  docIds.forEach((doc, i) => (byDoc[doc] = i));
  return byDoc;
}

/**
 * The audience's index, current with the catalog's generation: the previous generation's updated with
 * what changed (head-update.ts) where the audience's cards are catalog_heads, else built afresh: a visitor's
 * heads are computed over every shared version, and reading just their identities costs 82–84 % of the build
 * (scripts/lib/reindex-cost.ts), so an update would save little.
 */
export function headIndex(audience: Audience, visible: SQL): HeadIndex {
  const generation = catalogGeneration();
  const client = getDb().$client;
  const hit = indexes.get(audience.key);
  indexes.delete(audience.key);
  if (hit && hit.generation === generation && hit.client === client) {
    indexes.set(audience.key, hit); // most recently used last
    return hit.index;
  }
  // When this index's snapshot began bounds what the next update may reuse (head-update.ts); inside a caller's
  // transaction the snapshot may be older than now, so nothing is reused from it.
  const started = client.inTransaction ? 0 : Date.now();
  let index: HeadIndex | null = null;
  if (hit && hit.client === client && audience.heads && hit.generation < generation) {
    index = updateHeadIndex(hit.index, hit.started, audience, visible);
    if (index) index.search = hit.index.search && updateSearchIndex(hit.index, index);
    else headUpdateStats.declined++;
  }
  index ??= build(audience, visible);
  indexes.set(audience.key, { generation, client, index, started });
  let cards = 0;
  for (const entry of indexes.values()) cards += entry.index.appIds.length;
  for (const [key, entry] of indexes) {
    if (indexes.size <= 1 || (indexes.size <= MAX_INDEXES && cards <= MAX_CARDS)) break;
    indexes.delete(key);
    cards -= entry.index.appIds.length;
  }
  return index;
}

/** How many audiences' indexes are kept (for tests). */
export function cachedHeadIndexes(): number {
  return indexes.size;
}

/** The audience's index built afresh, uncached: for the SQL reference path's ranks. */
export function freshHeadIndex(audience: Audience, visible: SQL): HeadIndex {
  return build(audience, visible);
}
