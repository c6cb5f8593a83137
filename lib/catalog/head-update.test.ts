import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { apps, appTags, tags, type Visibility } from '@/db/schema';
import type { AccessSettings, Viewer } from '@/lib/auth/policy';
import { visibleAppsWhere } from '@/lib/auth/visibility-sql';
import { insertAppRow, insertUser, useTempDataDir } from '@/lib/testing/db';
import { cachedDocumentWords, documentWordStats, limitDocumentWords } from './document-words';
import { audienceOf, freshHeadIndex, freshSearchIndex, headIndex, searchOf, type HeadIndex } from './head-index';
import { compareBinary, headUpdateStats } from './head-update';
import { searchUpdateStats } from './search-update';
import { versionKey } from './version-order';

useTempDataDir();

const settings: AccessSettings = { publicMode: true, fullAccessRole: 'full' };
const twoDaysAgo = () => new Date(Date.now() - 2 * 86_400_000);
const titles = ['Zebra', 'ärger', 'Éclair', 'alpha', '𝒳 math', '\uff21 wide', 'data lab', 'Data Lab', 'forecast', ''];
const vocabulary = ['forecast', 'vision', 'naïve', 'Straße', 'data', 'dashboard', 'h2o', 'model', '中文', 'finance'];

let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
const words = (n: number) => Array.from({ length: n }, () => pick(vocabulary)).join(' ');

function tag(name: string, values: { isCategory?: boolean; visitorRoles?: string[] } = {}): string {
  const id = randomUUID();
  getDb()
    .insert(tags)
    .values({ id, name, title: name.toUpperCase(), isCategory: values.isCategory ?? false, visitorRoles: values.visitorRoles ?? [] })
    .run();
  return id;
}

function version(ownerId: string, name: string, v: string, spec: { visibility?: Visibility; tagIds?: string[]; old?: boolean } = {}): string {
  const id = insertAppRow(
    {
      name,
      version: v,
      versionKey: versionKey(v),
      ownerId,
      visibility: spec.visibility ?? 'ALL_USERS',
      title: pick(titles) || name,
      description: words(3),
      // Some long descriptions repeat a word past the packed counts' limit (63).
      longDescription: random() < 0.1 ? `${'forecast '.repeat(70)}${words(4)}` : words(Math.floor(random() * 20)),
      ...(spec.old ? { importedAt: twoDaysAgo() } : {}),
    },
    spec.tagIds,
  );
  if (spec.old) getDb().update(apps).set({ listedAt: null }).where(eq(apps.id, id)).run();
  return id;
}

const stats = () => ({
  updated: headUpdateStats.updated,
  reread: headUpdateStats.reread,
  declined: headUpdateStats.declined,
  searches: searchUpdateStats.updated,
  rederived: searchUpdateStats.rederived,
  tokenized: documentWordStats.tokenized,
});
const delta = (before: ReturnType<typeof stats>) => {
  const after = stats();
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - before[k as keyof typeof before]])) as ReturnType<typeof stats>;
};

/** The index as served (updated from the previous generation's) and one built afresh must be equal, search index included. */
function expectFresh(viewer: Viewer | null, label: string): HeadIndex {
  const audience = audienceOf(viewer, settings);
  const visible = visibleAppsWhere(viewer, settings);
  const served = headIndex(audience, visible);
  const search = searchOf(served);
  const fresh = freshHeadIndex(audience, visible);
  expect({ ...served, search: null }, `${label}: ${audience.key}`).toEqual(fresh);
  expect(search, `${label}: ${audience.key} search`).toEqual(freshSearchIndex(fresh));
  return served;
}

describe('compareBinary', () => {
  it("orders strings as SQLite's BINARY collation does (code points, not UTF-16 units)", () => {
    const strings = ['a', 'b', 'ab', '', 'ä', '\uffff', '\ue000', '𝒳', '😀', 'z𝒳', 'z\uff21', 'Z'];
    const db = getDb().$client;
    const expected = (db.prepare(`SELECT value FROM json_each(?) ORDER BY value`).raw().all(JSON.stringify(strings)) as [string][]).map(([s]) => s);
    expect([...strings].sort(compareBinary)).toEqual(expected);
  });
});

describe('updating the head and search indexes after catalog changes', () => {
  it('gives exactly what a fresh build gives after each kind of change, reading only what changed', () => {
    const owner = insertUser();
    const full: Viewer = { id: owner.id, email: owner.email, name: owner.name, isAdmin: false, roles: [], fullAccess: true };
    const visitor: Viewer = { ...full, id: insertUser().id, roles: ['partner'], fullAccess: false };
    const category = tag('analytics', { isCategory: true });
    const other = tag('vision', { isCategory: true });
    const badge = tag('featured');
    const exposing = tag('partners', { visitorRoles: ['partner'] });
    const all = [category, other, badge, exposing];
    const later = tag('added-later');
    const heads: string[] = [];
    const visibilities: Visibility[] = [];
    const older: string[] = [];
    for (let i = 0; i < 120; i++) {
      const name = `app-${i}`;
      const visibility = pick<Visibility>(['ALL_USERS', 'ALL_USERS', 'PUBLIC', 'PRIVATE']);
      const tagIds = all.filter(() => random() < 0.35);
      if (i % 3 === 0) older.push(version(owner.id, name, '0.9.0', { visibility: 'PUBLIC', tagIds, old: true }));
      heads.push(version(owner.id, name, '1.0.0', { visibility, tagIds, old: true }));
      visibilities.push(visibility);
    }
    const viewers = [full, null, visitor];
    for (const v of viewers) expectFresh(v, 'first build');

    const shared = (visibility: Visibility, nth: number) => heads[visibilities.map((v, i) => (v === visibility ? i : -1)).filter((i) => i > 1)[nth]];
    const step = (label: string, change: () => void, expected: { reread: number; tokenized: number; rederived?: number }) => {
      change();
      const before = stats();
      for (const v of viewers) expectFresh(v, label);
      const d = delta(before);
      // The two catalog_heads audiences are updated, not rebuilt: few heads re-read, few documents tokenized.
      expect(d.declined, label).toBe(0);
      expect(d.updated, label).toBe(2);
      expect(d.searches, label).toBe(2);
      expect(d.reread, label).toBeLessThanOrEqual(expected.reread);
      expect(d.rederived, label).toBeLessThanOrEqual(expected.rederived ?? expected.reread);
      // The visitor's index is built afresh, its search assembled from cached words: only new versions are tokenized.
      expect(d.tokenized, label).toBeLessThanOrEqual(expected.tokenized);
      return d;
    };
    // Heads changed by an earlier step stay within the clock margin and are re-read again: a bound for the
    // few heads these steps touch, in each of the two audiences (out of 120 Names).
    const few = 24;
    const imported = step('a new version of a Name', () => heads.push(version(owner.id, 'app-1', '2.0.0', { tagIds: [badge] })), { reread: 2, tokenized: 1 });
    expect(imported.reread, 'the new head is read').toBeGreaterThan(0);
    expect(imported.tokenized, 'only the new version is tokenized').toBe(1);
    step('a new Name', () => version(owner.id, 'brand-new', '1.0.0', { visibility: 'PUBLIC', tagIds: [exposing, category] }), { reread: few, tokenized: 1 });
    step('a head deleted (an older version becomes the head)', () => getDb().delete(apps).where(eq(apps.id, heads[3])).run(), { reread: few, tokenized: 0 });
    step('a head made PUBLIC', () => getDb().update(apps).set({ visibility: 'PUBLIC' }).where(eq(apps.id, shared('ALL_USERS', 0))).run(), { reread: few, tokenized: 0 });
    step('a head made PRIVATE', () => getDb().update(apps).set({ visibility: 'PRIVATE' }).where(eq(apps.id, shared('PUBLIC', 0))).run(), { reread: few, tokenized: 0 });
    step('a PUBLIC head made ALL_USERS', () => getDb().update(apps).set({ visibility: 'ALL_USERS' }).where(eq(apps.id, shared('PUBLIC', 1))).run(), { reread: few, tokenized: 0 });
    step('a tag added to a head', () => getDb().insert(appTags).values({ appId: shared('ALL_USERS', 2), tagId: later }).run(), { reread: few, tokenized: 0 });
    step('a tag removed from a head', () => getDb().delete(appTags).where(and(eq(appTags.appId, shared('ALL_USERS', 2)), eq(appTags.tagId, later))).run(), { reread: few, tokenized: 0 });
    step('a tag added to an older version', () => getDb().insert(appTags).values({ appId: older[5], tagId: later }).run(), { reread: few, tokenized: 0 });
    step('a tag renamed (its words and its place in the facets)', () => getDb().update(tags).set({ title: 'Zz last now', name: 'renamed-analytics' }).where(eq(tags.id, category)).run(), {
      reread: few,
      // The cards carrying it have new words in their tags column.
      rederived: 200,
      tokenized: 0,
    });
    step("a tag's visitor roles changed", () => getDb().update(tags).set({ visitorRoles: ['partner'] }).where(eq(tags.id, badge)).run(), { reread: few, tokenized: 0 });
    step('a tag created', () => tag('aaa-first'), { reread: few, tokenized: 0 });
    step('a tag deleted', () => getDb().delete(tags).where(eq(tags.id, other)).run(), { reread: 200, tokenized: 0 });
    // The newest document deleted and a new version imported: it gets the same doc id (no AUTOINCREMENT).
    const newest = getDb().$client.prepare('SELECT app_id FROM app_search_docs ORDER BY doc_id DESC LIMIT 1').pluck().get() as string;
    const reused = step(
      'a doc id reused by a new version',
      () => {
        getDb().delete(apps).where(eq(apps.id, newest)).run();
        version(owner.id, 'reuses-doc', '1.0.0', { visibility: 'PUBLIC', old: true });
      },
      { reread: 200, tokenized: 1 },
    );
    expect(reused.tokenized, 'the new version under the old doc id is tokenized, not taken from the cache').toBe(1);
    step('an owner changed nothing of the cards', () => getDb().update(apps).set({ ownerId: visitor.id }).where(eq(apps.id, heads[10])).run(), { reread: 200, tokenized: 0 });
  });

  it('rebuilds in full when most heads changed, with the same result', () => {
    const owner = insertUser();
    const full: Viewer = { id: owner.id, email: owner.email, name: owner.name, isAdmin: false, roles: [], fullAccess: true };
    expectFresh(full, 'before');
    for (let i = 0; i < 300; i++) version(owner.id, `bulk-${i}`, '1.0.0');
    const before = stats();
    expectFresh(full, 'after a bulk import');
    expect(delta(before).declined).toBeGreaterThanOrEqual(1);
  });

  it('keeps the words cache within its bounds, evicting or starting over, with the same result', () => {
    const owner = insertUser();
    const full: Viewer = { id: owner.id, email: owner.email, name: owner.name, isAdmin: false, roles: [], fullAccess: true };
    for (let i = 0; i < 60; i++) version(owner.id, `bounded-${i}`, '1.0.0', { old: true });
    try {
      limitDocumentWords({ documents: 40, postings: 100_000 });
      expectFresh(full, 'documents bounded');
      expect(cachedDocumentWords().documents).toBeLessThanOrEqual(40);
      limitDocumentWords({ postings: 200 });
      version(owner.id, 'bounded-new', '1.0.0');
      expectFresh(full, 'postings bounded');
      expect(cachedDocumentWords().postings).toBeLessThanOrEqual(200);
      const resets = documentWordStats.resets;
      limitDocumentWords({ words: 5 });
      version(owner.id, 'bounded-newer', '1.0.0');
      expectFresh(full, 'words bounded');
      expect(documentWordStats.resets).toBeGreaterThan(resets);
    } finally {
      limitDocumentWords();
    }
  });

  it("reuses nothing from an index built inside a caller's transaction (its snapshot may be older than the build)", () => {
    const owner = insertUser();
    const full: Viewer = { id: owner.id, email: owner.email, name: owner.name, isAdmin: false, roles: [], fullAccess: true };
    for (let i = 0; i < 80; i++) version(owner.id, `in-transaction-${i}`, '1.0.0', { old: true });
    // Every head older than the clock margin: an index built outside a transaction would be updated, not rebuilt.
    getDb().update(apps).set({ importedAt: twoDaysAgo(), listedAt: null }).run();
    getDb().$client.transaction(() => expectFresh(full, 'inside a transaction'))();
    version(owner.id, 'after-transaction', '1.0.0');
    const before = stats();
    expectFresh(full, 'after it');
    expect(delta(before).declined).toBe(1);
  });
});
