// The visibility rule (lib/auth/policy.ts canSeeApp) is the reference; its SQL twin (visibleAppsWhere)
// and the catalog's own query (catalogPage, which reads the trigger-kept catalog_heads for full-access
// and anonymous viewers) must agree with it over the whole matrix: owners with and without full access,
// visitors with one, several or no roles, admins, anonymous callers; apps with no tag, an authorization
// tag, a badge, both, two authorization tags, a category; several versions of one Name; public mode on and off.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { apps, tags, type Visibility } from '@/db/schema';
import { canSeeApp, type AccessSettings, type Viewer } from '@/lib/auth/policy';
import { visibleAppsWhere } from '@/lib/auth/visibility-sql';
import { insertAppRow, insertUser, useTempDataDir } from '@/lib/testing/db';
import { catalogPage } from './catalog';
import { parseCatalogParams } from './search-query';
import { versionKey } from './version-order';

useTempDataDir();

interface Row {
  id: string;
  name: string;
  version: string;
  ownerId: string;
  visibility: Visibility;
  tagVisitorRoles: string[][];
}

const rows: Row[] = [];
const viewers: (Viewer | null)[] = [];

function user(opts: { isAdmin?: boolean; roles?: string[]; fullAccess: boolean; label: string }): Viewer {
  const u = insertUser({ isAdmin: !!opts.isAdmin, roles: opts.roles ?? [], name: opts.label });
  return { id: u.id, email: u.email, name: opts.label, isAdmin: !!opts.isAdmin, roles: opts.roles ?? [], fullAccess: opts.fullAccess };
}

function tag(label: string, values: { visitorRoles?: string[]; isCategory?: boolean }): { id: string; roles: string[] } {
  const id = randomUUID();
  getDb().insert(tags).values({ id, name: `${label}_${id.slice(0, 6)}`.toUpperCase(), title: label, ...values }).run();
  return { id, roles: values.visitorRoles ?? [] };
}

function addVersion(name: string, version: string, ownerId: string, visibility: Visibility, tagList: { id: string; roles: string[] }[]) {
  const id = insertAppRow({ name, version, versionKey: versionKey(version), ownerId, visibility, title: `Matrix ${name}` }, tagList.map((t) => t.id));
  rows.push({ id, name, version, ownerId, visibility, tagVisitorRoles: tagList.map((t) => t.roles) });
}

beforeAll(() => {
  const ownerFull = user({ fullAccess: true, label: 'owner with full access' });
  const ownerVisitor = user({ fullAccess: false, roles: ['hr'], label: 'visitor who owns apps' });
  viewers.push(
    null,
    user({ isAdmin: true, fullAccess: true, label: 'admin' }),
    ownerFull,
    ownerVisitor,
    user({ fullAccess: true, label: 'another full-access user' }),
    user({ fullAccess: false, roles: ['finance'], label: 'visitor finance' }),
    user({ fullAccess: false, roles: ['hr'], label: 'visitor hr' }),
    user({ fullAccess: false, roles: ['finance', 'hr'], label: 'visitor finance+hr' }),
    user({ fullAccess: false, roles: ['ops', 'sales'], label: 'visitor ops+sales' }),
    user({ fullAccess: false, roles: [], label: 'visitor without roles' }),
  );
  const fin = tag('fin', { visitorRoles: ['finance'] });
  const hr = tag('hr', { visitorRoles: ['hr'] });
  const badge = tag('badge', {});
  const category = tag('category', { isCategory: true });
  const tagSets = [[], [fin], [badge], [fin, badge], [fin, hr], [badge, category], [category]];
  const visibilities: Visibility[] = ['PRIVATE', 'ALL_USERS', 'PUBLIC'];
  let n = 0;
  for (const owner of [ownerFull, ownerVisitor]) {
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

describe('the visibility matrix', () => {
  it('visibleAppsWhere selects exactly the versions canSeeApp allows', () => {
    for (const settings of SETTINGS) {
      for (const viewer of viewers) {
        const expected = rows.filter((r) => canSeeApp(viewer, r, settings)).map((r) => r.id).sort();
        const actual = getDb()
          .select({ id: apps.id })
          .from(apps)
          .where(visibleAppsWhere(viewer, settings))
          .all()
          .map((r) => r.id)
          .sort();
        expect(actual, label(viewer, settings)).toEqual(expected);
      }
    }
  });

  it("the catalog shows, per Name, the newest shared version the viewer may see, and nothing else", () => {
    for (const settings of SETTINGS) {
      for (const viewer of viewers) {
        const expected = new Map<string, string>();
        for (const r of rows) {
          if (r.visibility === 'PRIVATE' || !canSeeApp(viewer, r, settings)) continue;
          const current = expected.get(r.name);
          if (!current || versionKey(r.version) > versionKey(current)) expected.set(r.name, r.version);
        }
        const shown = new Map<string, string>();
        let page = 1;
        for (;;) {
          const result = catalogPage(viewer, settings, { ...parseCatalogParams({ sort: 'title' }), page });
          for (const card of result.cards) shown.set(card.name, card.version);
          expect(result.total, label(viewer, settings)).toBe(expected.size);
          if (page >= result.pageCount) break;
          page++;
        }
        expect([...shown].sort(), label(viewer, settings)).toEqual([...expected].sort());
      }
    }
  });
});
