import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { apps, tags, type Visibility } from '@/db/schema';
import { insertAppRow, insertUser, useTempDataDir } from '@/lib/testing/db';
import { canSeeApp, type AccessSettings, type Viewer } from './policy';
import { visibleAppsWhere } from './visibility-sql';

useTempDataDir();

const insertApp = (name: string, ownerId: string, visibility: Visibility, tagIds: string[] = []) =>
  insertAppRow({ name, ownerId, visibility }, tagIds);

function insertTag(name: string, visitorRoles: string[]) {
  const id = randomUUID();
  getDb().insert(tags).values({ id, name, title: name, visitorRoles }).run();
  return id;
}

const visibleNames = (viewer: Viewer | null, settings: AccessSettings, among: string[]) =>
  getDb()
    .select({ name: apps.name })
    .from(apps)
    .where(visibleAppsWhere(viewer, settings))
    .all()
    .map((r) => r.name)
    .filter((n) => among.includes(n))
    .sort();

describe('visibleAppsWhere agrees with canSeeApp', () => {
  it("holds the platform's worked example in SQL", () => {
    const dev = insertUser();
    const TA = insertTag('TA-' + randomUUID(), ['RA', 'RC']);
    const TB = insertTag('TB-' + randomUUID(), ['RB']);
    const names = ['A1', 'A2', 'A3'].map((n) => `${n}-${randomUUID()}`);
    insertApp(names[0], dev.id, 'ALL_USERS');
    insertApp(names[1], dev.id, 'ALL_USERS', [TA]);
    insertApp(names[2], dev.id, 'PRIVATE', [TA, TB]);
    const settings = { publicMode: false, fullAccessRole: 'full' };
    const UA: Viewer = { id: 'UA', email: '', name: '', isAdmin: false, roles: ['RA'], fullAccess: false };
    const UB: Viewer = { ...UA, id: 'UB', roles: ['RB'] };
    expect(visibleNames(UA, settings, names)).toEqual([names[1]]);
    expect(visibleNames(UB, settings, names)).toEqual([]);
  });

  it('matches the predicate for every viewer × visibility × tags × public mode', () => {
    const owner = insertUser();
    const authTag = insertTag('auth-' + randomUUID(), ['finance']);
    const badge = insertTag('badge-' + randomUUID(), []);
    const created: { name: string; visibility: Visibility; roles: string[][] }[] = [];
    for (const visibility of ['PRIVATE', 'ALL_USERS', 'PUBLIC'] as Visibility[]) {
      for (const [tagIds, roles] of [
        [[], []],
        [[authTag], [['finance']]],
        [[badge], [[]]],
      ] as [string[], string[][]][]) {
        const name = `m-${randomUUID()}`;
        insertApp(name, owner.id, visibility, tagIds);
        created.push({ name, visibility, roles });
      }
    }
    const viewers: (Viewer | null)[] = [
      null,
      { id: owner.id, email: '', name: '', isAdmin: false, roles: [], fullAccess: true },
      { id: 'admin', email: '', name: '', isAdmin: true, roles: [], fullAccess: true },
      { id: 'full', email: '', name: '', isAdmin: false, roles: [], fullAccess: true },
      { id: 'v-fin', email: '', name: '', isAdmin: false, roles: ['finance'], fullAccess: false },
      { id: 'v-hr', email: '', name: '', isAdmin: false, roles: ['hr'], fullAccess: false },
      { id: 'v-none', email: '', name: '', isAdmin: false, roles: [], fullAccess: false },
    ];
    const names = created.map((c) => c.name);
    for (const publicMode of [false, true]) {
      const settings = { publicMode, fullAccessRole: 'full' };
      for (const viewer of viewers) {
        const expected = created
          .filter((c) => canSeeApp(viewer, { ownerId: owner.id, visibility: c.visibility, tagVisitorRoles: c.roles }, settings))
          .map((c) => c.name)
          .sort();
        expect(visibleNames(viewer, settings, names), `${viewer?.id ?? 'anonymous'} public=${publicMode}`).toEqual(expected);
      }
    }
  });
});
