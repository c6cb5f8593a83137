// Brings an audience's head index (head-index.ts) up to a newer catalog generation by reading only what
// can have changed, for the audiences whose cards are the precomputed catalog_heads (full access and
// admins; anonymous visitors). Every head's identity is read afresh (doc id, version id, updated_at: a
// few columns in recency order under the audience's visibility condition, as a full build reads them, so
// the set of cards is always exactly what a full build gives); a head is
// reused from the previous index only if it is the same version with the same updated_at, older than
// the previous build. That suffices because a version's texts never change and every write that changes
// a head's tags sets its listed_at, and so its updated_at, to the time of the write (triggers
// app_tags_listed_ai/ad, migration 0009): a tag change after the previous build started has an updated_at
// after that start (less a margin for clocks). Other heads (new, moved, re-tagged) are read by doc id, with
// their tags from catalog_heads.tag_ids as a full build reads them; the tags themselves are re-read whole
// (renames, colours, roles). The result equals a fresh build (head-update.test.ts).
import 'server-only';
import type { SQL } from 'drizzle-orm';
import { getDb } from '@/db';
import { docPositions, headIndexQueries, readTags, tagIdIndexes, type Audience, type HeadIndex } from './head-index';

/** Writes up to this long before a build started may be missing from it (clock resolution and small steps). */
export const CLOCK_MARGIN_MS = 60_000;
/** Past this share of changed heads a full build is as cheap. */
const MAX_CHANGED_SHARE = 0.25;

export const headUpdateQueries = {
  /** The changed heads' fields and tags' ids (a JSON array of doc ids, then the audience): one index search per doc id. */
  heads: `SELECT h.doc_id, h.app_id, h.sort_title, h.name, h.tag_ids
    FROM json_each(?) AS j CROSS JOIN catalog_heads h INDEXED BY catalog_heads_doc_idx ON h.doc_id = j.value AND h.audience = ?`,
};

/** Counters for tests and the benchmark: updates done, heads re-read by them, and full builds instead. */
export const headUpdateStats = { updated: 0, reread: 0, declined: 0 };

/**
 * SQLite's BINARY order (UTF-8 bytes, i.e. code points) of two strings: UTF-16 order but for surrogate
 * pairs (code points past U+FFFF), which sort after U+E000–U+FFFF.
 */
export function compareBinary(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800) x += x >= 0xe000 ? -0x800 : 0x2000;
    if (y >= 0xd800) y += y >= 0xe000 ? -0x800 : 0x2000;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * The audience's index at the current generation, from `previous` (built at `previousStart`, ms) and what
 * changed since; null when a full build is the better choice (many changes). Runs in one snapshot.
 */
export function updateHeadIndex(previous: HeadIndex, previousStart: number, audience: Audience, visible: SQL): HeadIndex | null {
  const db = getDb();
  const client = db.$client;
  if (!audience.heads) return null;
  return client.transaction((): HeadIndex | null => {
    const rows = db.values<[number, string, number]>(headIndexQueries.identities(audience, visible));
    const tags = readTags();
    const tagIndex = new Map(tags.map((t, i) => [t.id, i]));
    const tagMap = Int32Array.from(previous.tags, (t) => tagIndex.get(t.id) ?? -1);
    const horizon = previousStart - CLOCK_MARGIN_MS;
    const size = rows.length;

    // Which previous head each head is (-1: read it).
    const from = new Int32Array(size).fill(-1);
    const changed: number[] = [];
    for (let i = 0; i < size; i++) {
      const [doc, appId, updatedAt] = rows[i];
      const j = doc < previous.byDoc.length ? previous.byDoc[doc] : -1;
      let same = j >= 0 && previous.appIds[j] === appId && previous.updatedAt[j] === updatedAt && updatedAt < horizon;
      for (let k = previous.tagStart[j]; same && k < previous.tagStart[j + 1]; k++) same = tagMap[previous.tagList[k]] >= 0;
      if (same) from[i] = j;
      else changed.push(i);
    }
    if (changed.length > Math.max(64, size * MAX_CHANGED_SHARE)) return null;

    const read = new Map<number, [string, string, string, string]>();
    const docs = JSON.stringify(changed.map((i) => rows[i][0]));
    for (const [doc, ...fields] of client.prepare(headUpdateQueries.heads).raw().all(docs, audience.heads) as [number, string, string, string, string][]) {
      read.set(doc, fields);
    }
    const tagIds = tagIdIndexes(tags);

    // Tag indexes keep their order through tagMap unless a tag moved in the facet order (a rename).
    let tagOrderKept = true;
    for (let t = 0, last = -1; t < tagMap.length; t++) {
      if (tagMap[t] < 0) continue;
      if (tagMap[t] < last) tagOrderKept = false;
      last = tagMap[t];
    }
    const appIdsOut: string[] = new Array(size);
    const sortTitles: string[] = new Array(size);
    const names: string[] = new Array(size);
    const tagStart = new Int32Array(size + 1);
    for (let i = 0; i < size; i++) {
      const j = from[i];
      const count = j >= 0 ? previous.tagStart[j + 1] - previous.tagStart[j] : tagIds(read.get(rows[i][0])?.[3] ?? '[]').length;
      tagStart[i + 1] = tagStart[i] + count;
    }
    const tagList = new Int32Array(tagStart[size]);
    for (let i = 0; i < size; i++) {
      const j = from[i];
      if (j >= 0) {
        appIdsOut[i] = previous.appIds[j];
        sortTitles[i] = previous.sortTitles[j];
        names[i] = previous.names[j];
        for (let k = previous.tagStart[j], at = tagStart[i]; k < previous.tagStart[j + 1]; k++) tagList[at++] = tagMap[previous.tagList[k]];
        if (!tagOrderKept) tagList.subarray(tagStart[i], tagStart[i + 1]).sort();
      } else {
        const fields = read.get(rows[i][0]);
        if (!fields || fields[0] !== rows[i][1]) throw new Error('catalog_heads changed inside one read transaction');
        [appIdsOut[i], sortTitles[i], names[i]] = fields;
        tagList.set(tagIds(fields[3]), tagStart[i]);
      }
    }

    // Title order: the reused heads keep their relative order; the read ones are merged in.
    const byTitle = (a: number, b: number) => compareBinary(sortTitles[a], sortTitles[b]) || compareBinary(names[a], names[b]);
    const newPosition = new Int32Array(previous.appIds.length).fill(-1);
    for (let i = 0; i < size; i++) if (from[i] >= 0) newPosition[from[i]] = i;
    const previousByTitle = new Int32Array(previous.appIds.length);
    for (let j = 0; j < previous.appIds.length; j++) previousByTitle[previous.titleRank[j]] = j;
    const added = [...changed].sort(byTitle);
    const titleRank = new Int32Array(size);
    let rank = 0;
    let b = 0;
    for (const j of previousByTitle) {
      const kept = newPosition[j];
      if (kept < 0) continue;
      while (b < added.length && byTitle(added[b], kept) < 0) titleRank[added[b++]] = rank++;
      titleRank[kept] = rank++;
    }
    while (b < added.length) titleRank[added[b++]] = rank++;

    headUpdateStats.updated++;
    headUpdateStats.reread += changed.length;
    const docIds = rows.map((r) => r[0]);
    return {
      appIds: appIdsOut,
      docIds: Int32Array.from(docIds),
      sortTitles,
      names,
      updatedAt: Float64Array.from(rows, (r) => r[2]),
      titleRank,
      tagStart,
      tagList,
      tags,
      byDoc: docPositions(docIds),
      search: null,
    };
  })();
}
