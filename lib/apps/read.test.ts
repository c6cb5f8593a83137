import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { appAssets, tags } from '@/db/schema';
import { insertAppRow, insertUser, useTempDataDir, viewerOf } from '@/lib/testing/db';
import { groupByName, readAppVersion, readAppVersions, visibleAsset, visibleVersions } from './read';

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
    expect(Object.keys(groups[0].versions[0]).sort()).toEqual(['id', 'importedAt', 'name', 'owner', 'tags', 'title', 'version', 'visibility']);
  });
});
