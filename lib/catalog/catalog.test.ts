import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { appAssets, apps, appTags, tags, type Visibility } from '@/db/schema';
import type { AccessSettings, Viewer } from '@/lib/auth/policy';
import { insertAppRow, insertUser, useTempDataDir } from '@/lib/testing/db';
import { clearCatalogCache } from './cache';
import { cachedHeadIndexes } from './head-index';
import { catalogPage, catalogPageInSql } from './catalog';
import { parseCatalogParams } from './search-query';
import { versionKey } from './version-order';

useTempDataDir();

const settings: AccessSettings = { publicMode: false, fullAccessRole: 'full' };
const publicSettings: AccessSettings = { publicMode: true, fullAccessRole: 'full' };
let owner: Viewer;
let other: Viewer;

function viewer(values: Partial<Viewer> = {}): Viewer {
  const user = insertUser({ roles: values.roles ?? [], isAdmin: values.isAdmin ?? false });
  return { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin, roles: user.roles, fullAccess: true, ...values };
}

interface AppSpec {
  name: string;
  version?: string;
  visibility?: Visibility;
  title?: string;
  description?: string;
  longDescription?: string;
  ownerId?: string;
  tagIds?: string[];
  importedAt?: Date;
  icon?: boolean;
}

function insertApp(spec: AppSpec): string {
  const version = spec.version ?? '1.0.0';
  const id = insertAppRow(
    {
      name: spec.name,
      version,
      versionKey: versionKey(version),
      ownerId: spec.ownerId ?? owner.id,
      visibility: spec.visibility ?? 'ALL_USERS',
      title: spec.title ?? spec.name,
      description: spec.description ?? '',
      longDescription: spec.longDescription ?? '',
      ...(spec.importedAt ? { importedAt: spec.importedAt } : {}),
    },
    spec.tagIds,
  );
  // Tags added on insert stamp listed_at (a tag change); a fixture with an import time means "nothing since".
  if (spec.importedAt) getDb().update(apps).set({ listedAt: null }).where(eq(apps.id, id)).run();
  if (spec.icon) {
    getDb().insert(appAssets).values({ appId: id, kind: 'icon', position: 0, sha256: 'a'.repeat(64), contentType: 'image/png', size: 1 }).run();
  }
  return id;
}

function insertTag(name: string, values: { isCategory?: boolean; visitorRoles?: string[]; title?: string } = {}): string {
  const id = randomUUID();
  getDb()
    .insert(tags)
    .values({ id, name, title: values.title ?? name, isCategory: values.isCategory ?? false, visitorRoles: values.visitorRoles ?? [] })
    .run();
  return id;
}

/** A word unique to one test, so tests sharing the database do not see each other's apps. */
const word = () => `w${randomUUID().replaceAll('-', '').slice(0, 10)}`;

const names = (v: Viewer | null, raw: Record<string, string | string[]>, s = settings) => catalogPage(v, s, parseCatalogParams(raw)).cards.map((c) => c.name);

beforeEach(() => {
  owner ??= viewer();
  other ??= viewer();
});

describe('catalog cards', () => {
  it('shows one card per Name: the newest shared version in semver order', () => {
    const w = word();
    const name = `app-${w}`;
    insertApp({ name, version: '1.10.0', description: w, title: 'Ten' });
    insertApp({ name, version: '1.9.0', description: w, title: 'Nine' });
    insertApp({ name, version: '2.0.0-rc.1', description: w, title: 'Candidate' });
    insertApp({ name, version: '2.0.0', description: w, title: 'Private two', visibility: 'PRIVATE' });
    const page = catalogPage(other, settings, parseCatalogParams({ q: w }));
    expect(page.cards.map((c) => [c.name, c.version, c.title])).toEqual([[name, '2.0.0-rc.1', 'Candidate']]);
    expect(page.total).toBe(1);
  });

  it('leaves out Names whose versions are all PRIVATE, even for the owner and admins', () => {
    const w = word();
    insertApp({ name: `private-${w}`, visibility: 'PRIVATE', description: w });
    insertApp({ name: `shared-${w}`, description: w });
    const admin = viewer({ isAdmin: true });
    for (const v of [owner, other, admin]) expect(names(v, { q: w })).toEqual([`shared-${w}`]);
  });

  it('follows visibility changes and deletions at once', () => {
    const w = word();
    const id = insertApp({ name: `moving-${w}`, description: w });
    expect(names(other, { q: w })).toEqual([`moving-${w}`]);
    getDb().update(apps).set({ visibility: 'PRIVATE' }).where(eq(apps.id, id)).run();
    expect(names(other, { q: w })).toEqual([]);
    getDb().update(apps).set({ visibility: 'ALL_USERS' }).where(eq(apps.id, id)).run();
    expect(names(other, { q: w })).toEqual([`moving-${w}`]);
    getDb().delete(apps).where(eq(apps.id, id)).run();
    expect(names(other, { q: w })).toEqual([]);
  });

  it('shows anonymous visitors in public mode only PUBLIC versions, and nothing without public mode', () => {
    const w = word();
    insertApp({ name: `pub-${w}`, version: '1.0.0', visibility: 'PUBLIC', description: w });
    insertApp({ name: `pub-${w}`, version: '1.1.0', visibility: 'ALL_USERS', description: w });
    insertApp({ name: `all-${w}`, visibility: 'ALL_USERS', description: w });
    const page = catalogPage(null, publicSettings, parseCatalogParams({ q: w }));
    expect(page.cards.map((c) => `${c.name}@${c.version}`)).toEqual([`pub-${w}@1.0.0`]);
    expect(names(null, { q: w }, settings)).toEqual([]);
    expect(names(other, { q: w, sort: 'title' }, publicSettings)).toEqual([`all-${w}`, `pub-${w}`]);
  });

  it('gives visitors the newest version their roles open, and counts only those', () => {
    const w = word();
    const finance = insertTag(`finance-${w}`, { visitorRoles: [`fin-${w}`] });
    const category = insertTag(`cat-${w}`, { isCategory: true });
    insertApp({ name: `ledger-${w}`, version: '1.0.0', tagIds: [finance, category], description: w });
    insertApp({ name: `ledger-${w}`, version: '2.0.0', tagIds: [category], description: w });
    insertApp({ name: `other-${w}`, tagIds: [category], description: w });
    const visitor = viewer({ roles: [`fin-${w}`], fullAccess: false });
    const page = catalogPage(visitor, settings, parseCatalogParams({ q: w }));
    expect(page.cards.map((c) => `${c.name}@${c.version}`)).toEqual([`ledger-${w}@1.0.0`]);
    expect(page.total).toBe(1);
    // Visitors see no tags, no facets, and cannot filter by a tag.
    expect(page.showTags).toBe(false);
    expect(page.categories).toEqual([]);
    expect(page.cards[0].tags).toEqual([]);
    const stranger = viewer({ roles: ['nothing'], fullAccess: false });
    expect(names(stranger, { q: w })).toEqual([]);
  });

  it('pages in a stable order and clamps pages past the end', () => {
    const w = word();
    const at = new Date('2030-01-01T00:00:00Z');
    for (let i = 0; i < 30; i++) insertApp({ name: `p${String(i).padStart(2, '0')}-${w}`, description: w, importedAt: at });
    const first = catalogPage(other, settings, parseCatalogParams({ q: w, sort: 'updated' }));
    const second = catalogPage(other, settings, parseCatalogParams({ q: w, sort: 'updated', page: '2' }));
    expect(first.total).toBe(30);
    expect(first.pageCount).toBe(2);
    expect(first.cards).toHaveLength(24);
    expect(second.cards).toHaveLength(6);
    const all = [...first.cards, ...second.cards].map((c) => c.name);
    expect(new Set(all).size).toBe(30);
    expect(all).toEqual([...all].sort()); // equal import times: Name breaks the tie
    expect(catalogPage(other, settings, parseCatalogParams({ q: w, page: '9' })).page).toBe(2);
  });

  it('sorts by title A–Z and by most recently imported', () => {
    const w = word();
    insertApp({ name: `x1-${w}`, title: 'banana', description: w, importedAt: new Date('2031-01-03') });
    insertApp({ name: `x2-${w}`, title: 'Apple', description: w, importedAt: new Date('2031-01-01') });
    insertApp({ name: `x3-${w}`, title: 'cherry', description: w, importedAt: new Date('2031-01-02') });
    expect(names(other, { q: w, sort: 'title' })).toEqual([`x2-${w}`, `x1-${w}`, `x3-${w}`]);
    expect(names(other, { q: w, sort: 'updated' })).toEqual([`x1-${w}`, `x3-${w}`, `x2-${w}`]);
  });

  it('links the icon only when the app has one', () => {
    const w = word();
    const withIcon = insertApp({ name: `icon-${w}`, description: w, icon: true });
    insertApp({ name: `noicon-${w}`, description: w });
    const cards = catalogPage(other, settings, parseCatalogParams({ q: w, sort: 'title' })).cards;
    expect(cards.map((c) => c.icon)).toEqual([`/assets/${withIcon}/icon`, null]);
  });
});

describe('search', () => {
  it('finds an app by a word of its long description, by prefix, and without diacritics', () => {
    const w = word();
    insertApp({ name: `deep-${w}`, description: w, longDescription: `### Usage\n* Forecasts **électricité** demand with ${w}zebra` });
    expect(names(other, { q: `${w}zebra` })).toEqual([`deep-${w}`]);
    expect(names(other, { q: `${w}zeb` })).toEqual([`deep-${w}`]);
    expect(names(other, { q: `electricite ${w}` })).toEqual([`deep-${w}`]);
    expect(names(other, { q: `${w} missingword` })).toEqual([]);
  });

  it('ranks an exact title first, then title hits above long-description hits', () => {
    const w = word();
    insertApp({ name: `long-${w}`, title: `Notes ${w}`, longDescription: `orbit orbit orbit orbit ${w}` });
    insertApp({ name: `titled-${w}`, title: `Orbit planner ${w}` });
    insertApp({ name: `exact-${w}`, title: `orbit ${w}`.toUpperCase(), longDescription: 'nothing else' });
    expect(names(other, { q: `orbit ${w}` })).toEqual([`exact-${w}`, `titled-${w}`, `long-${w}`]);
  });

  it('searches tag names for full-access viewers, and follows tag renames and deletions', () => {
    const w = word();
    const tag = insertTag(`tag${w}`, { isCategory: true, title: `Geology ${w}` });
    insertApp({ name: `rocks-${w}`, tagIds: [tag] });
    expect(names(other, { q: `tag${w}` })).toEqual([`rocks-${w}`]);
    expect(names(other, { q: `geology ${w}` })).toEqual([`rocks-${w}`]);
    getDb().update(tags).set({ name: `renamed${w}` }).where(eq(tags.id, tag)).run();
    expect(names(other, { q: `tag${w}` })).toEqual([]);
    expect(names(other, { q: `renamed${w}` })).toEqual([`rocks-${w}`]);
    getDb().delete(tags).where(eq(tags.id, tag)).run();
    expect(names(other, { q: `renamed${w}` })).toEqual([]);
  });

  it('does not let visitors find apps by the names of tags they may not see', () => {
    const w = word();
    const auth = insertTag(`secretproject${w}`, { visitorRoles: [`r-${w}`] });
    insertApp({ name: `hidden-${w}`, tagIds: [auth], description: `visible${w}` });
    const visitor = viewer({ roles: [`r-${w}`], fullAccess: false });
    expect(names(visitor, { q: `visible${w}` })).toEqual([`hidden-${w}`]);
    expect(names(visitor, { q: `secretproject${w}` })).toEqual([]);
  });

  it('treats FTS5 syntax in the query as words', () => {
    const w = word();
    insertApp({ name: `syntax-${w}`, description: `${w} NEAR quotes` });
    expect(names(other, { q: `"${w}" NEAR*` })).toEqual([`syntax-${w}`]);
    expect(() => catalogPage(other, settings, parseCatalogParams({ q: '"unbalanced ( OR * :' }))).not.toThrow();
  });
});

describe('category and badge filters', () => {
  it('narrows the list and counts visible cards per category and badge', () => {
    const w = word();
    const vision = insertTag(`vision-${w}`, { isCategory: true, title: `Vision ${w}` });
    const nlp = insertTag(`nlp-${w}`, { isCategory: true, title: `NLP ${w}` });
    const oss = insertTag(`oss-${w}`, { title: `Open source ${w}` });
    insertApp({ name: `a-${w}`, tagIds: [vision, oss], description: w });
    insertApp({ name: `b-${w}`, tagIds: [vision], description: w });
    insertApp({ name: `c-${w}`, tagIds: [nlp, oss], description: w });
    insertApp({ name: `d-${w}`, tagIds: [vision], description: w, visibility: 'PRIVATE' });
    insertApp({ name: `b-${w}`, version: '0.1.0', tagIds: [nlp], description: w });

    const page = catalogPage(other, settings, parseCatalogParams({ q: w }));
    expect(page.categories.map((c) => [c.name, c.count])).toEqual([
      [`nlp-${w}`, 1],
      [`vision-${w}`, 2],
    ]);
    expect(page.badges.map((c) => [c.name, c.count])).toEqual([[`oss-${w}`, 2]]);
    expect(page.cards.find((c) => c.name === `a-${w}`)?.tags.filter((t) => t.kind === 'category').map((t) => t.name)).toEqual([`vision-${w}`]);
    expect(page.cards.find((c) => c.name === `a-${w}`)?.tags.filter((t) => t.kind === 'badge').map((t) => t.name)).toEqual([`oss-${w}`]);

    const narrowed = catalogPage(other, settings, parseCatalogParams({ q: w, category: `vision-${w}`, sort: 'title' }));
    expect(narrowed.cards.map((c) => c.name)).toEqual([`a-${w}`, `b-${w}`]);
    expect(narrowed.total).toBe(2);
    // Badge counts follow the chosen category; category counts do not depend on it.
    expect(narrowed.badges.map((c) => [c.name, c.count])).toEqual([[`oss-${w}`, 1]]);
    expect(narrowed.categories.map((c) => c.count)).toEqual([1, 2]);
    expect(names(other, { q: w, category: `vision-${w}`, badge: `oss-${w}` })).toEqual([`a-${w}`]);
    // A badge name is not a category.
    expect(names(other, { q: w, category: `oss-${w}` })).toEqual([]);
  });

  it('combines several categories as any-of, in the head index and in SQL', () => {
    const w = word();
    const vision = insertTag(`vision-${w}`, { isCategory: true });
    const nlp = insertTag(`nlp-${w}`, { isCategory: true });
    const audio = insertTag(`audio-${w}`, { isCategory: true });
    const oss = insertTag(`oss-${w}`);
    insertApp({ name: `a-${w}`, tagIds: [vision, oss], description: w });
    insertApp({ name: `b-${w}`, tagIds: [nlp], description: w });
    insertApp({ name: `c-${w}`, tagIds: [audio, oss], description: w });
    insertApp({ name: `d-${w}`, tagIds: [vision, nlp], description: w });
    const raw = { q: w, category: [`vision-${w}`, `nlp-${w}`], sort: 'title' };
    for (const page of [catalogPage(other, settings, parseCatalogParams(raw)), catalogPageInSql(other, settings, parseCatalogParams(raw))]) {
      expect(page.cards.map((c) => c.name)).toEqual([`a-${w}`, `b-${w}`, `d-${w}`]);
      // Category counts do not narrow each other (any-of); badge counts follow the chosen categories.
      expect(page.categories.map((c) => [c.name, c.count])).toEqual([
        [`audio-${w}`, 1],
        [`nlp-${w}`, 2],
        [`vision-${w}`, 2],
      ]);
      expect(page.badges.map((c) => [c.name, c.count])).toEqual([[`oss-${w}`, 1]]);
    }
    expect(names(other, { ...raw, badge: `oss-${w}` })).toEqual([`a-${w}`]);
    expect(names(other, { ...raw, category: [`vision-${w}`, `nonexistent-${w}`] })).toEqual([`a-${w}`, `d-${w}`]);
  });
});

describe('recently updated', () => {
  it('orders by the last change that made an app visible (publish, tags), and cards carry that date and the owner', () => {
    const w = word();
    const badge = insertTag(`new-${w}`);
    const t = (s: number) => new Date(1_700_000_000_000 + s * 1000);
    const early = insertApp({ name: `early-${w}`, description: w, importedAt: t(1) });
    const draft = insertApp({ name: `draft-${w}`, description: w, importedAt: t(2), visibility: 'PRIVATE' });
    insertApp({ name: `late-${w}`, description: w, importedAt: t(3) });
    const order = () => names(other, { q: w, sort: 'updated' });
    expect(order()).toEqual([`late-${w}`, `early-${w}`]);

    // Publishing the draft (imported before `late`) puts it first, dated now.
    const before = Date.now();
    getDb().update(apps).set({ visibility: 'ALL_USERS' }).where(eq(apps.id, draft)).run();
    expect(order()).toEqual([`draft-${w}`, `late-${w}`, `early-${w}`]);
    const card = catalogPage(other, settings, parseCatalogParams({ q: w, sort: 'updated' })).cards[0];
    expect(card.updatedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(card.owner).toBe(owner.name);

    // A tag added to (or removed from) an app moves it up too; so does the SQL path visitors take.
    getDb().insert(appTags).values({ appId: early, tagId: badge }).run();
    expect(order()).toEqual([`early-${w}`, `draft-${w}`, `late-${w}`]);
    const params = parseCatalogParams({ q: w, sort: 'updated' });
    expect(catalogPageInSql(other, settings, params).cards.map((c) => c.name)).toEqual(order());

    // Making an app PRIVATE is no reason to move it, and it leaves the catalog anyway.
    getDb().update(apps).set({ visibility: 'PRIVATE' }).where(eq(apps.id, draft)).run();
    expect(order()).toEqual([`early-${w}`, `late-${w}`]);
  });
});

describe('cache', () => {
  it('serves fresh results after writes through a cached page', () => {
    clearCatalogCache();
    const w = word();
    insertApp({ name: `c1-${w}`, description: w });
    expect(catalogPage(other, settings, parseCatalogParams({ q: w })).total).toBe(1);
    const tag = insertTag(`t-${w}`, { isCategory: true });
    const id = insertApp({ name: `c2-${w}`, description: w });
    expect(catalogPage(other, settings, parseCatalogParams({ q: w })).total).toBe(2);
    getDb().insert(appTags).values({ appId: id, tagId: tag }).run();
    expect(catalogPage(other, settings, parseCatalogParams({ q: w })).categories.map((c) => c.count)).toEqual([1]);
  });
});

describe('head index', () => {
  it('keeps the indexes of a bounded number of audiences, each visitor being one', () => {
    const w = word();
    insertApp({ name: `bounded-${w}`, description: w, visibility: 'PUBLIC' });
    for (let i = 0; i < 40; i++) {
      const visitor = viewer({ fullAccess: false });
      expect(names(visitor, { q: w }, publicSettings)).toEqual([`bounded-${w}`]);
      expect(cachedHeadIndexes()).toBeLessThanOrEqual(32);
    }
    expect(cachedHeadIndexes()).toBe(32);
  });

  it('gives full-access viewers, admins, visitors and anonymous visitors exactly the pages the SQL query gives', () => {
    const w = word();
    const vocabulary = ['alpha', 'beta', 'gamma', 'delta', w];
    const categories = [0, 1, 2].map((i) => insertTag(`cat${i}-${w}`, { isCategory: true, title: i === 1 ? `b${w}` : `A${i}${w}` }));
    const badges = [0, 1].map((i) => insertTag(`badge${i}-${w}`, { title: `Badge ${i} ${w}` }));
    const authorization = insertTag(`auth-${w}`, { visitorRoles: ['r'] });
    let seed = 5;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T,>(xs: T[]) => xs[Math.floor(random() * xs.length)];
    for (let n = 0; n < 60; n++) {
      for (let v = 0; v < 2; v++) {
        const visibility = pick<Visibility>(['PRIVATE', 'ALL_USERS', 'PUBLIC', 'PUBLIC']);
        const tagIds = [...new Set([pick(categories), pick([...badges, authorization, categories[0]])])];
        insertApp({
          name: `h${n}-${w}`,
          version: `1.${v}.0`,
          visibility,
          title: n % 7 === 0 ? pick(vocabulary) : `${pick(vocabulary)} ${n}`,
          description: `${pick(vocabulary)} ${pick(vocabulary)} ${w}`,
          tagIds,
          importedAt: new Date(1_700_000_000_000 + (n % 13) * 1000),
        });
      }
    }
    const admin = viewer({ isAdmin: true });
    const cases: [Viewer | null, AccessSettings][] = [
      [other, settings],
      [admin, settings],
      [null, publicSettings],
      [null, settings],
      [viewer({ roles: ['r'], fullAccess: false }), settings],
      [{ ...owner, fullAccess: false }, publicSettings],
    ];
    const queries: Record<string, string | string[]>[] = [];
    for (const q of ['', w, `alpha ${w}`, `gam ${w}`, 'beta', `badge0 ${w}`, `auth ${w}`, 'a', `${w} 1`]) {
      for (const category of [[], [`cat0-${w}`], [`cat1-${w}`], [`badge0-${w}`], [`cat0-${w}`, `cat2-${w}`]]) {
        for (const sort of ['', 'title', 'updated']) queries.push({ q, category, sort, badge: category.length === 0 ? `badge1-${w}` : '' });
        queries.push({ q, category, page: '2' });
      }
    }
    for (const [v, s] of cases) {
      for (const raw of queries) {
        clearCatalogCache();
        const params = parseCatalogParams(raw);
        expect(catalogPage(v, s, params), JSON.stringify([v?.isAdmin ?? 'anonymous', raw])).toEqual(catalogPageInSql(v, s, params));
      }
    }
  });
});
