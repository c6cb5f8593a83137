// Visitors (and anonymous callers in public mode) never get another user's e-mail address, from any
// function that feeds a page or an API answer they can reach; full-access users do (so the check can fail).
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { tags } from '@/db/schema';
import type { AccessSettings, Viewer } from '@/lib/auth/policy';
import { catalogPage } from '@/lib/catalog/catalog';
import { parseCatalogParams } from '@/lib/catalog/search-query';
import { insertAppRow, insertUser, useTempDataDir } from '@/lib/testing/db';
import { appJson } from './api-json';
import { groupByName, readAppVersion, readAppVersions, visibleVersions } from './read';

useTempDataDir();

const settings: AccessSettings = { publicMode: true, fullAccessRole: 'full' };
const OWNER_EMAIL = `owner-${randomUUID()}@example.test`;
let name = '';
const ids: string[] = [];

function viewer(fullAccess: boolean, roles: string[] = []): Viewer {
  const u = insertUser({ roles });
  return { id: u.id, email: u.email, name: u.name, isAdmin: false, roles, fullAccess };
}

/** Everything a viewer can be answered about the owner's apps, as text. */
function everythingShownTo(v: Viewer | null): string {
  const shown: unknown[] = [
    catalogPage(v, settings, parseCatalogParams({})),
    readAppVersion(v, settings, { name }),
    ...ids.map((id) => readAppVersion(v, settings, { id })),
    visibleVersions(v, settings, name),
    ...ids.map((id) => readAppVersion(v, settings, { id })).map((d) => d && appJson(d)),
    readAppVersions(v, settings).map(appJson),
    readAppVersions(v, settings, { name }).map(appJson),
    groupByName(readAppVersions(v, settings, { name })),
  ];
  return JSON.stringify(shown);
}

beforeAll(() => {
  const owner = insertUser({ email: OWNER_EMAIL, roles: ['full'] });
  const authTag = randomUUID();
  getDb().insert(tags).values({ id: authTag, name: `FIN_${authTag.slice(0, 6)}`, title: 'Finance', visitorRoles: ['finance'] }).run();
  name = `ai.test.emails${Date.now().toString(36)}`;
  ids.push(insertAppRow({ name, version: '1.0.0', ownerId: owner.id, visibility: 'ALL_USERS' }, [authTag]));
  ids.push(insertAppRow({ name, version: '2.0.0', ownerId: owner.id, visibility: 'PUBLIC' }, [authTag]));
});

describe("another user's e-mail address", () => {
  it('is shown to full-access users (the owner column of the pages and the API)', () => {
    expect(everythingShownTo(viewer(true, ['full']))).toContain(OWNER_EMAIL);
  });

  it('is never shown to a visitor who may see the apps through an authorization tag', () => {
    const visitor = viewer(false, ['finance']);
    const shown = everythingShownTo(visitor);
    expect(shown).toContain(name); // the visitor does see the apps
    expect(shown).not.toContain(OWNER_EMAIL);
  });

  it('is never shown to anonymous callers in public mode', () => {
    const shown = everythingShownTo(null);
    expect(shown).toContain(name);
    expect(shown).not.toContain(OWNER_EMAIL);
  });
});
