// The visibility rule (lib/auth/policy.ts canSeeApp) is the reference; its SQL twin (visibleAppsWhere)
// and the catalog's own query (catalogPage, which reads the trigger-kept catalog_heads for full-access
// and anonymous viewers) must agree with it over the whole matrix: owners with and without full access,
// visitors with one, several or no roles, admins, anonymous callers; apps with no tag, an authorization
// tag, a badge, both, two authorization tags, a category; several versions of one Name; public mode on and off.
// A second pass changes the data through real updates (titles, visibility, tags added and removed, a
// tag's visitor roles, owners, deleted versions) and checks the same agreement after each: the triggers
// that keep catalog_heads on UPDATE and DELETE are held to the rule, not only the ones on INSERT, and each
// head's tag ids kept there (migration 0013) to the model's tags of its version.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { eq, inArray } from 'drizzle-orm';
import { apps, tags, type Visibility } from '@/db/schema';
import { canSeeApp, type AccessSettings, type Viewer } from '@/lib/auth/policy';
import { fullAccessSharedWhere, preparedVisibility, visibleAppsWhere } from '@/lib/auth/visibility-sql';
import { storedHeadTags } from '@/lib/testing/catalog-heads';
import { insertAppRow, insertUser, useTempDataDir } from '@/lib/testing/db';
import { deleteAppVersion, updateAppSettings } from '@/lib/apps/settings';
import { updateTag } from '@/lib/tags/tags';
import { setEnv } from '@/lib/testing/env';
import { catalogPage, catalogPageInSql } from './catalog';
import { parseCatalogParams } from './search-query';
import { versionKey } from './version-order';

useTempDataDir();

/** The model the database is checked against: every version with its owner, visibility and tag ids. */
interface Row {
  id: string;
  name: string;
  version: string;
  ownerId: string;
  visibility: Visibility;
  tagIds: string[];
}

const rows: Row[] = [];
const viewers: (Viewer | null)[] = [];
/** Each tag's visitor roles, as the model knows them. */
const tagRoles = new Map<string, string[]>();
let admin: Viewer;
let owners: Viewer[] = [];
let tagSets: string[][] = [];
const T: Record<'fin' | 'hr' | 'badge' | 'category', string> = { fin: '', hr: '', badge: '', category: '' };

function user(opts: { isAdmin?: boolean; roles?: string[]; fullAccess: boolean; label: string }): Viewer {
  const u = insertUser({ isAdmin: !!opts.isAdmin, roles: opts.roles ?? [], name: opts.label });
  return { id: u.id, email: u.email, name: opts.label, isAdmin: !!opts.isAdmin, roles: opts.roles ?? [], fullAccess: opts.fullAccess };
}

function tag(label: string, values: { visitorRoles?: string[]; isCategory?: boolean }): string {
  const id = randomUUID();
  getDb().insert(tags).values({ id, name: `${label}_${id.slice(0, 6)}`.toUpperCase(), title: label, ...values }).run();
  tagRoles.set(id, values.visitorRoles ?? []);
  return id;
}

function addVersion(name: string, version: string, ownerId: string, visibility: Visibility, tagIds: string[]) {
  const id = insertAppRow({ name, version, versionKey: versionKey(version), ownerId, visibility, title: `Matrix ${name}` }, tagIds);
  rows.push({ id, name, version, ownerId, visibility, tagIds: [...tagIds] });
}

const facts = (r: Row) => ({ ownerId: r.ownerId, visibility: r.visibility, tagVisitorRoles: r.tagIds.map((t) => tagRoles.get(t)!) });

beforeAll(() => {
  const ownerFull = user({ fullAccess: true, label: 'owner with full access' });
  const ownerVisitor = user({ fullAccess: false, roles: ['hr'], label: 'visitor who owns apps' });
  admin = user({ isAdmin: true, fullAccess: true, label: 'admin' });
  owners = [ownerFull, ownerVisitor];
  viewers.push(
    null,
    admin,
    ownerFull,
    ownerVisitor,
    user({ fullAccess: true, label: 'another full-access user' }),
    user({ fullAccess: false, roles: ['finance'], label: 'visitor finance' }),
    user({ fullAccess: false, roles: ['hr'], label: 'visitor hr' }),
    user({ fullAccess: false, roles: ['finance', 'hr'], label: 'visitor finance+hr' }),
    user({ fullAccess: false, roles: ['ops', 'sales'], label: 'visitor ops+sales' }),
    user({ fullAccess: false, roles: [], label: 'visitor without roles' }),
  );
  const fin = (T.fin = tag('fin', { visitorRoles: ['finance'] }));
  const hr = (T.hr = tag('hr', { visitorRoles: ['hr'] }));
  const badge = (T.badge = tag('badge', {}));
  const category = (T.category = tag('category', { isCategory: true }));
  tagSets = [[], [fin], [badge], [fin, badge], [fin, hr], [badge, category], [category]];
  const visibilities: Visibility[] = ['PRIVATE', 'ALL_USERS', 'PUBLIC'];
  let n = 0;
  for (const owner of owners) {
    for (const visibility of visibilities) {
      for (const set of tagSets) addVersion(`matrix-${++n}`, '1.0.0', owner.id, visibility, set);
    }
    // Several versions of one Name: the newest one a viewer may see makes the card.
    const first = [
      ['ALL_USERS', [fin]],
      ['PUBLIC', []],
      ['PRIVATE', [fin]],
      ['ALL_USERS', [hr, badge]],
    ] as const;
    const second = [
      ['ALL_USERS', []],
      ['PUBLIC', [badge]],
      ['PRIVATE', [hr]],
      ['ALL_USERS', [fin]],
    ] as const;
    for (const [v1, t1] of first) {
      for (const [v2, t2] of second) {
        const name = `matrix-${++n}`;
        addVersion(name, '1.0.0', owner.id, v1, [...t1]);
        addVersion(name, '1.10.0', owner.id, v2, [...t2]);
      }
    }
  }
});

const label = (viewer: Viewer | null, settings: AccessSettings) => `${viewer?.name ?? 'anonymous'}, public mode ${settings.publicMode}`;
const SETTINGS: AccessSettings[] = [
  { publicMode: false, fullAccessRole: 'full' },
  { publicMode: true, fullAccessRole: 'full' },
];

function expectSqlTwinAgrees() {
  for (const settings of SETTINGS) {
    for (const viewer of viewers) {
      const expected = rows.filter((r) => canSeeApp(viewer, facts(r), settings)).map((r) => r.id).sort();
      const actual = getDb()
        .select({ id: apps.id })
        .from(apps)
        .where(visibleAppsWhere(viewer, settings))
        .all()
        .map((r) => r.id)
        .sort();
      expect(actual, label(viewer, settings)).toEqual(expected);
      // The prepared twin (lib/apps/read.ts): one statement per shape of viewer, prepared for the first viewer
      // of that shape and run for every other one with their own values.
      const { shape, where, values } = preparedVisibility(viewer, settings);
      let statement = preparedByShape.get(shape);
      if (!statement) preparedByShape.set(shape, (statement = getDb().select({ id: apps.id }).from(apps).where(where).prepare()));
      expect(statement.all(values).map((r) => r.id).sort(), `prepared: ${label(viewer, settings)}`).toEqual(expected);
      // The full-access audience's condition (the start-up's warm-up builds its index without a viewer): over
      // shared versions, what every admin and full-access viewer sees.
      if (viewer?.isAdmin || viewer?.fullAccess) {
        const shared = rows.filter((r) => r.visibility === 'ALL_USERS' || r.visibility === 'PUBLIC');
        const seen = shared.filter((r) => canSeeApp(viewer, facts(r), settings)).map((r) => r.id).sort();
        const byCondition = getDb().select({ id: apps.id }).from(apps).where(fullAccessSharedWhere()).all().map((r) => r.id).sort();
        expect(byCondition, `full-access audience: ${label(viewer, settings)}`).toEqual(seen);
      }
    }
  }
}
const preparedByShape = new Map<string, { all: (values: Record<string, unknown>) => { id: string }[] }>();

/** Per Name, the newest shared version the viewer may see, by the pure rule. */
function expectedCards(viewer: Viewer | null, settings: AccessSettings): [string, string][] {
  const expected = new Map<string, string>();
  for (const r of rows) {
    if (r.visibility === 'PRIVATE' || !canSeeApp(viewer, facts(r), settings)) continue;
    const current = expected.get(r.name);
    if (!current || versionKey(r.version) > versionKey(current)) expected.set(r.name, r.version);
  }
  return [...expected].sort();
}

function expectCatalogAgrees() {
  for (const [query, read] of [['catalogPage', catalogPage], ['catalogPageInSql', catalogPageInSql]] as const) {
    for (const settings of SETTINGS) {
      for (const viewer of viewers) {
        const expected = expectedCards(viewer, settings);
        const shown = new Map<string, string>();
        let page = 1;
        for (;;) {
          const result = read(viewer, settings, { ...parseCatalogParams({ sort: 'title' }), page });
          for (const card of result.cards) shown.set(card.name, card.version);
          expect(result.total, `${query}: ${label(viewer, settings)}`).toBe(expected.length);
          if (page >= result.pageCount) break;
          page++;
        }
        expect([...shown].sort(), `${query}: ${label(viewer, settings)}`).toEqual(expected);
      }
    }
  }
}

/** Each head's stored tag ids (catalog_heads.tag_ids, kept by triggers) are its version's tags in the model. */
function expectHeadTagsAgree() {
  const heads = storedHeadTags();
  expect(heads.length).toBeGreaterThan(0);
  for (const head of heads) expect(head.tagIds, `${head.audience} ${head.name}`).toEqual([...rows.find((r) => r.id === head.appId)!.tagIds].sort());
}

describe('the visibility matrix', () => {
  it('visibleAppsWhere selects exactly the versions canSeeApp allows', () => {
    expectSqlTwinAgrees();
  });

  it('the catalog shows, per Name, the newest shared version the viewer may see, and nothing else', () => {
    expectCatalogAgrees();
    expectHeadTagsAgree();
  });
});

/**
 * Each step changes the data the way the portal does (updateAppSettings, updateTag, deleteAppVersion
 * as an admin; a title or owner as a plain UPDATE, as a re-import or an ownership change writes it),
 * updates the model, and checks every viewer again. The steps build on each other, in order.
 */
describe('the visibility matrix after updates', () => {
  beforeAll(() => setEnv({ PUBLIC_MODE: 'true' }));

  const byName = () => {
    const names = new Map<string, Row[]>();
    for (const r of rows) names.set(r.name, [...(names.get(r.name) ?? []), r]);
    return names;
  };
  const expectAllAgree = () => {
    expectSqlTwinAgrees();
    expectCatalogAgrees();
    expectHeadTagsAgree();
  };

  it('a title edited on every version', () => {
    // A Name with 1.0.0 PUBLIC and 1.10.0 ALL_USERS must stay on the anonymous catalog (with 1.0.0)
    // after 1.10.0's title changes.
    expect(rows.some((r) => r.version === '1.10.0' && r.visibility === 'ALL_USERS' && rows.some((o) => o.name === r.name && o.visibility === 'PUBLIC'))).toBe(true);
    for (const r of rows) getDb().update(apps).set({ title: `Edited ${r.name} ${r.version}` }).where(eq(apps.id, r.id)).run();
    expectAllAgree();
  });

  it('visibility changed on every version', () => {
    const next: Record<Visibility, Visibility> = { PRIVATE: 'ALL_USERS', ALL_USERS: 'PUBLIC', PUBLIC: 'PRIVATE' };
    rows.forEach((r, i) => {
      // Every other row moves one step, the rest two: all six transitions happen.
      const to = i % 2 === 0 ? next[r.visibility] : next[next[r.visibility]];
      expect(updateAppSettings(admin, r.id, { visibility: to }).visibility).toBe(to);
      r.visibility = to;
    });
    expectAllAgree();
  });

  it('tags added to and removed from every version', () => {
    rows.forEach((r, i) => {
      const to = tagSets[(i * 3 + 1) % tagSets.length];
      updateAppSettings(admin, r.id, { tagIds: to });
      r.tagIds = [...to];
    });
    expectAllAgree();
  });

  it("a tag's visitor roles changed: an authorization tag gains roles, a badge becomes one, one becomes a badge", () => {
    const changes: [string, string[]][] = [
      [T.fin, ['finance', 'ops']],
      [T.badge, ['sales']],
      [T.hr, []],
    ];
    for (const [id, roles] of changes) {
      updateTag(admin, id, { visitorRoles: roles });
      tagRoles.set(id, roles);
    }
    expectAllAgree();
  });

  it('a Name given to the other owner', () => {
    [...byName().values()].forEach((versions, i) => {
      if (i % 3 !== 0) return;
      const to = owners.find((o) => o.id !== versions[0].ownerId)!;
      getDb().update(apps).set({ ownerId: to.id }).where(inArray(apps.id, versions.map((v) => v.id))).run();
      for (const v of versions) v.ownerId = to.id;
    });
    expectAllAgree();
  });

  it('versions deleted: the newest of some Names, the oldest of others, the only one of others, the middle of three', () => {
    // Names with three versions, so that what is left after a deletion still has a choice of heads
    // (1.0.0 PUBLIC under a newer ALL_USERS one must stay the anonymous card).
    const three: Row[][] = [];
    let n = 0;
    for (const v1 of ['PUBLIC', 'ALL_USERS'] as const) {
      for (const v2 of ['ALL_USERS', 'PUBLIC', 'PRIVATE'] as const) {
        for (const v3 of ['PUBLIC', 'ALL_USERS', 'PRIVATE'] as const) {
          const name = `matrix-three-${++n}`;
          const owner = owners[n % 2];
          addVersion(name, '1.0.0', owner.id, v1, n % 3 === 0 ? [T.fin] : []);
          addVersion(name, '2.0.0', owner.id, v2, n % 4 === 0 ? [T.badge] : []);
          addVersion(name, '3.0.0', owner.id, v3, []);
          three.push(rows.slice(-3));
        }
      }
    }
    expectAllAgree();
    three.forEach((versions, i) => {
      const gone = versions[i % 2 === 0 ? 2 : 1];
      deleteAppVersion(admin, gone.id);
      rows.splice(rows.indexOf(gone), 1);
    });
    [...byName().values()].forEach((versions, i) => {
      if (versions[0].name.startsWith('matrix-three-')) return;
      if (i % 2 !== 0) return;
      const sorted = [...versions].sort((a, b) => versionKey(a.version).localeCompare(versionKey(b.version)));
      const gone = i % 4 === 0 ? sorted[sorted.length - 1] : sorted[0];
      deleteAppVersion(admin, gone.id);
      rows.splice(rows.indexOf(gone), 1);
    });
    expectAllAgree();
  });

  it('visibility and titles changed again on what is left', () => {
    rows.forEach((r, i) => {
      const to: Visibility = (['PUBLIC', 'ALL_USERS', 'PRIVATE'] as const)[i % 3];
      updateAppSettings(admin, r.id, { visibility: to });
      r.visibility = to;
      getDb().update(apps).set({ title: `Again ${r.name}` }).where(eq(apps.id, r.id)).run();
    });
    expectAllAgree();
  });
});
