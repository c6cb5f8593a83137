import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { appAssets, tags } from '@/db/schema';
import { insertAppRow, insertUser, useTempDataDir, viewerOf } from '@/lib/testing/db';
import { groupByName, readAppGroupPage, readAppVersion, readAppVersions, visibleAsset, visibleVersions } from './read';

useTempDataDir();

const open = { publicMode: false, fullAccessRole: '' };

function insertTag(values: { name: string; isCategory?: boolean; visitorRoles?: string[] }) {
  const id = randomUUID();
  getDb()
    .insert(tags)
    .values({ id, title: values.name, color: '#123456', isCategory: values.isCategory ?? false, visitorRoles: values.visitorRoles ?? [], name: values.name })
    .run();
  return id;
}

describe('the app read model', () => {
  it('reads only what the viewer may see, in SQL, newest version first', () => {
    const owner = insertUser();
    const other = insertUser();
    const name = `app-${randomUUID().slice(0, 8)}`;
    const v1 = insertAppRow({ ownerId: owner.id, name, version: '1.0.0', versionKey: '1.0.0', visibility: 'ALL_USERS' });
    const v2 = insertAppRow({ ownerId: owner.id, name, version: '1.1.0', versionKey: '1.1.0', visibility: 'PRIVATE' });
    const asOther = viewerOf(other);
    expect(readAppVersions(asOther, open, { name }).map((v) => v.id)).toEqual([v1]);
    expect(readAppVersion(asOther, open, { name })?.id).toBe(v1); // the newest *visible* version
    expect(readAppVersion(asOther, open, { id: v2 })).toBeNull();
    expect(readAppVersion(viewerOf(owner), open, { name })?.id).toBe(v2);
    expect(visibleVersions(asOther, open, name).map((v) => v.version)).toEqual(['1.0.0']);
    expect(readAppVersions(null, open, { name })).toEqual([]);
    expect(readAppVersions(null, { ...open, publicMode: true }, { name })).toEqual([]);
  });

  it('shows tags, e-mail addresses and editing rights only to whom they belong', () => {
    const owner = insertUser({ roles: ['guest'] });
    const category = insertTag({ name: `cat-${randomUUID().slice(0, 6)}`, isCategory: true });
    const exposing = insertTag({ name: `auth-${randomUUID().slice(0, 6)}`, visitorRoles: ['guest'] });
    const id = insertAppRow({ ownerId: owner.id, visibility: 'ALL_USERS', title: '' }, [category, exposing]);
    getDb().insert(appAssets).values({ appId: id, kind: 'icon', position: 0, sha256: 'a'.repeat(64), contentType: 'image/png', size: 1 }).run();

    const full = readAppVersion(viewerOf(insertUser()), open, { id })!;
    expect(full.tags.map((t) => t.kind).sort()).toEqual(['authorization', 'category']);
    expect(full.owner.email).toBe(owner.email);
    expect(full.canEdit).toBe(false);
    expect(full.title).toBe(full.name); // no Title in app.toml
    expect(full.icon).toBe(`/assets/${id}/icon`);

    const visitor = viewerOf(insertUser({ roles: ['guest'] }), { fullAccess: false });
    const seen = readAppVersion(visitor, open, { id })!; // through the authorization tag
    expect(seen.tags).toEqual([]);
    expect(seen.owner.email).toBeNull();
    expect(visibleAsset(visitor, open, id, { kind: 'icon', position: 0 })).toMatchObject({ isPublic: false });
    expect(visibleAsset(viewerOf(insertUser({ roles: ['other'] }), { fullAccess: false }), open, id, { kind: 'icon', position: 0 })).toBeNull();

    expect(readAppVersion(viewerOf(owner), open, { id })!.canEdit).toBe(true);
  });

  it('groups versions by Name for the lists, without descriptions or Env values', () => {
    const owner = insertUser();
    const name = `grp-${randomUUID().slice(0, 8)}`;
    insertAppRow({ ownerId: owner.id, name, version: '2.0.0', versionKey: '2.0.0', longDescription: 'long' });
    insertAppRow({ ownerId: owner.id, name, version: '1.0.0', versionKey: '1.0.0' });
    const groups = groupByName(readAppVersions(viewerOf(owner), open, { ownerId: owner.id }));
    expect(groups).toEqual([{ name, versions: [expect.objectContaining({ version: '2.0.0' }), expect.objectContaining({ version: '1.0.0' })] }]);
    expect(Object.keys(groups[0].versions[0]).sort()).toEqual(['icon', 'id', 'importedAt', 'name', 'owner', 'tags', 'title', 'version', 'visibility']);
  });

  it('pages Names with every matching version, searched, sorted and limited to what the viewer may see', () => {
    const owner = insertUser({ name: 'Zed Owner', email: `zed-${randomUUID().slice(0, 6)}@test` });
    const other = insertUser({ name: 'Amy Other', email: `amy-${randomUUID().slice(0, 6)}@test` });
    const tag = randomUUID().slice(0, 6);
    const t0 = Date.now() - 100_000;
    const row = (ownerId: string, name: string, version: string, title: string, ago: number, visibility: 'PRIVATE' | 'ALL_USERS' = 'PRIVATE') =>
      insertAppRow({ ownerId, name: `${tag}.${name}`, version, versionKey: version, title, importedAt: new Date(t0 + ago), visibility });
    row(owner.id, 'alpha', '1.0.0', 'Zebra tool', 1);
    row(owner.id, 'alpha', '2.0.0', 'Zebra tool', 50);
    row(owner.id, 'beta', '1.0.0', 'Apple 50%_off', 10);
    row(owner.id, 'gamma', '1.0.0', 'Mango', 20);
    row(other.id, 'delta', '1.0.0', 'Kiwi', 30, 'ALL_USERS');
    row(other.id, 'omega', '1.0.0', 'Hidden', 40); // PRIVATE to its owner
    const admin = viewerOf(insertUser({ isAdmin: true }));
    const names = (p: { groups: { name: string }[] }) => p.groups.map((g) => g.name.slice(tag.length + 1));
    const base = { search: tag, page: 1, pageSize: 2 } as const;

    const first = readAppGroupPage(viewerOf(owner), open, { ...base, ownerId: owner.id, sort: 'name' });
    expect(first).toMatchObject({ names: 3, versions: 4, page: 1, pageCount: 2 });
    expect(names(first)).toEqual(['alpha', 'beta']);
    expect(first.groups[0].versions.map((v) => v.version)).toEqual(['2.0.0', '1.0.0']);
    const past = readAppGroupPage(viewerOf(owner), open, { ...base, ownerId: owner.id, sort: 'name', page: 9 });
    expect(past.page).toBe(2); // past the end: the last page
    expect(names(past)).toEqual(['gamma']);

    const all = { ...base, pageSize: 10 };
    expect(names(readAppGroupPage(admin, open, { ...all, sort: 'name-desc' }))).toEqual(['omega', 'gamma', 'delta', 'beta', 'alpha']);
    expect(names(readAppGroupPage(admin, open, { ...all, sort: 'title' }))).toEqual(['beta', 'omega', 'delta', 'gamma', 'alpha']);
    expect(names(readAppGroupPage(admin, open, { ...all, sort: 'newest' }))).toEqual(['alpha', 'omega', 'delta', 'gamma', 'beta']);
    expect(names(readAppGroupPage(admin, open, { ...all, sort: 'oldest' }))).toEqual(['beta', 'gamma', 'delta', 'omega', 'alpha']);
    expect(names(readAppGroupPage(admin, open, { ...all, sort: 'owner' }))).toEqual(['delta', 'omega', 'alpha', 'beta', 'gamma']);
    // Someone else sees only what is visible to them.
    expect(names(readAppGroupPage(viewerOf(insertUser()), open, { ...all, sort: 'name' }))).toEqual(['delta']);

    // The search matches Name and Title, LIKE's wildcards literally; owners only when asked.
    const search = (text: string, searchOwners = false) => names(readAppGroupPage(admin, open, { ...all, search: text, searchOwners, sort: 'name' }));
    expect(search(`${tag}.GAM`)).toEqual(['gamma']);
    expect(search('apple 50%_')).toEqual(['beta']);
    expect(search('50%x')).toEqual([]);
    expect(search('Amy Other')).toEqual([]);
    expect(search('Amy Other', true).filter((n) => n === 'delta' || n === 'omega')).toEqual(['delta', 'omega']);
    // A search narrows the versions within a Name too.
    const empty = readAppGroupPage(admin, open, { ...all, search: `${tag}-nothing`, sort: 'name' });
    expect(empty).toMatchObject({ groups: [], names: 0, versions: 0, page: 1, pageCount: 1 });
  });
});
