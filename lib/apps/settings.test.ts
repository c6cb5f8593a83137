import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { appAssets, apps, appTags, auditLog, tags, type Tag, type Visibility } from '@/db/schema';
import type { Viewer } from '@/lib/auth/policy';
import { insertAppRow, insertUser, useTempDataDir, viewerOf } from '@/lib/testing/db';
import { deleteAppVersion, updateAppSettings } from './settings';
import { setEnv } from '@/lib/testing/env';

useTempDataDir();

afterEach(() => {
  setEnv({ PUBLIC_MODE: undefined });
});

const insertApp = (ownerId: string, visibility: Visibility = 'PRIVATE', tagIds: string[] = []) =>
  insertAppRow({ ownerId, visibility, title: 'An app' }, tagIds);

function insertTag(values: Partial<Tag> = {}): Tag {
  const id = randomUUID();
  const name = values.name ?? `tag-${id.slice(0, 8)}`;
  getDb().insert(tags).values({ id, name, title: name, ...values }).run();
  return getDb().select().from(tags).where(eq(tags.id, id)).get()!;
}

const tagIdsOf = (appId: string) =>
  getDb()
    .select({ tagId: appTags.tagId })
    .from(appTags)
    .where(eq(appTags.appId, appId))
    .all()
    .map((r) => r.tagId)
    .sort();

const auditFor = (appId: string) => getDb().select().from(auditLog).where(eq(auditLog.targetId, appId)).all();

describe('updateAppSettings', () => {
  it('lets the owner publish to ALL_USERS and writes who changed what to the audit log', () => {
    const owner = insertUser();
    const appId = insertApp(owner.id);
    const updated = updateAppSettings(viewerOf(owner), appId, { visibility: 'ALL_USERS' });
    expect(updated.visibility).toBe('ALL_USERS');
    const [entry] = auditFor(appId);
    expect(entry).toMatchObject({ actorId: owner.id, action: 'app.update', targetType: 'app' });
    expect(entry.details).toMatchObject({ visibility: { from: 'PRIVATE', to: 'ALL_USERS' } });
    expect(entry.at).toBeInstanceOf(Date);
  });

  it('writes no audit row when nothing changes', () => {
    const owner = insertUser();
    const appId = insertApp(owner.id, 'ALL_USERS');
    updateAppSettings(viewerOf(owner), appId, { visibility: 'ALL_USERS', tagIds: [] });
    expect(auditFor(appId)).toHaveLength(0);
  });

  it('refuses PUBLIC when public mode is off, and allows it when on', () => {
    const owner = insertUser();
    const appId = insertApp(owner.id);
    expect(() => updateAppSettings(viewerOf(owner), appId, { visibility: 'PUBLIC' })).toThrow(/public mode/);
    expect(getDb().select().from(apps).where(eq(apps.id, appId)).get()?.visibility).toBe('PRIVATE');
    expect(auditFor(appId)).toHaveLength(0);
    setEnv({ PUBLIC_MODE: 'true' });
    expect(updateAppSettings(viewerOf(owner), appId, { visibility: 'PUBLIC' }).visibility).toBe('PUBLIC');
  });

  it('keeps accepting an unchanged PUBLIC after public mode is switched off, so tags stay editable', () => {
    const owner = insertUser();
    const badge = insertTag();
    const appId = insertApp(owner.id, 'PUBLIC');
    const app = updateAppSettings(viewerOf(owner), appId, { visibility: 'PUBLIC', tagIds: [badge.id] });
    expect(app.visibility).toBe('PUBLIC');
    expect(getDb().select().from(appTags).where(eq(appTags.appId, appId)).all()).toEqual([{ appId, tagId: badge.id }]);
    // Leaving PUBLIC works; coming back is then a new choice, refused without public mode.
    expect(updateAppSettings(viewerOf(owner), appId, { visibility: 'ALL_USERS' }).visibility).toBe('ALL_USERS');
    expect(() => updateAppSettings(viewerOf(owner), appId, { visibility: 'PUBLIC' })).toThrow(/public mode/);
  });

  it('adds and removes assignable tags (by id or name) and records them', () => {
    const owner = insertUser({ roles: ['curator'] });
    const open = insertTag();
    const curated = insertTag({ adminRoles: ['curator'] });
    const old = insertTag();
    const appId = insertApp(owner.id, 'PRIVATE', [old.id]);
    updateAppSettings(viewerOf(owner), appId, { tagIds: [open.id, curated.name] });
    expect(tagIdsOf(appId)).toEqual([open.id, curated.id].sort());
    const details = auditFor(appId)[0].details as { tagsAdded: { id: string }[]; tagsRemoved: { id: string }[] };
    expect(details.tagsAdded.map((t) => t.id).sort()).toEqual([open.id, curated.id].sort());
    expect(details.tagsRemoved.map((t) => t.id)).toEqual([old.id]);
  });

  it('refuses adding a tag the user may not assign, and changes nothing (not even visibility)', () => {
    const owner = insertUser({ roles: ['dev'] });
    const restricted = insertTag({ adminRoles: ['curator'], title: 'Certified' });
    const appId = insertApp(owner.id);
    expect(() => updateAppSettings(viewerOf(owner), appId, { visibility: 'ALL_USERS', tagIds: [restricted.id] })).toThrow(
      /may not assign Certified/,
    );
    expect(tagIdsOf(appId)).toEqual([]);
    expect(getDb().select().from(apps).where(eq(apps.id, appId)).get()?.visibility).toBe('PRIVATE');
    expect(auditFor(appId)).toHaveLength(0);
  });

  it('leaves a non-assignable tag already on the app untouched, whether or not it is listed', () => {
    const owner = insertUser();
    const restricted = insertTag({ adminRoles: ['curator'] });
    const open = insertTag();
    const appId = insertApp(owner.id, 'PRIVATE', [restricted.id, open.id]);
    updateAppSettings(viewerOf(owner), appId, { tagIds: [] });
    expect(tagIdsOf(appId)).toEqual([restricted.id]);
    updateAppSettings(viewerOf(owner), appId, { tagIds: [restricted.id] });
    expect(tagIdsOf(appId)).toEqual([restricted.id]);
  });

  it('lets an admin assign and remove any tag on anyone’s app', () => {
    const owner = insertUser();
    const admin = insertUser({ isAdmin: true });
    const restricted = insertTag({ adminRoles: ['curator'] });
    const appId = insertApp(owner.id);
    updateAppSettings(viewerOf(admin), appId, { tagIds: [restricted.id] });
    expect(tagIdsOf(appId)).toEqual([restricted.id]);
    updateAppSettings(viewerOf(admin), appId, { tagIds: [] });
    expect(tagIdsOf(appId)).toEqual([]);
    expect(auditFor(appId).map((e) => e.actorId)).toEqual([admin.id, admin.id]);
  });

  it('refuses a visitor owner adding any tag (visitors cannot see tags)', () => {
    const owner = insertUser();
    const open = insertTag();
    const appId = insertApp(owner.id);
    expect(() => updateAppSettings(viewerOf(owner, { fullAccess: false }), appId, { tagIds: [open.id] })).toThrow(/may not assign/);
  });

  it('rejects unknown tags with a field problem', () => {
    const owner = insertUser();
    const appId = insertApp(owner.id);
    try {
      updateAppSettings(viewerOf(owner), appId, { tagIds: ['no-such-tag'] });
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'INVALID_INPUT', errors: [{ path: 'tagIds', message: 'There is no tag no-such-tag.' }] });
    }
  });

  it('refuses a non-owner: 404 when they cannot see the app, 403 when they can', () => {
    const owner = insertUser();
    const other = insertUser();
    const privateApp = insertApp(owner.id, 'PRIVATE');
    const sharedApp = insertApp(owner.id, 'ALL_USERS');
    expect(() => updateAppSettings(viewerOf(other), privateApp, { visibility: 'ALL_USERS' })).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    expect(() => updateAppSettings(viewerOf(other), sharedApp, { visibility: 'PRIVATE' })).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    expect(getDb().select().from(apps).where(eq(apps.id, privateApp)).get()?.visibility).toBe('PRIVATE');
    expect(getDb().select().from(apps).where(eq(apps.id, sharedApp)).get()?.visibility).toBe('ALL_USERS');
  });
});

describe('deleteAppVersion', () => {
  it('deletes the version with its tags and assets, and audits it', () => {
    const owner = insertUser();
    const tag = insertTag();
    const appId = insertApp(owner.id, 'ALL_USERS', [tag.id]);
    getDb().insert(appAssets).values({ appId, kind: 'icon', sha256: 'abc', contentType: 'image/png', size: 1 }).run();
    expect(deleteAppVersion(viewerOf(owner), appId)).toMatchObject({ id: appId, version: '1.0.0' });
    expect(getDb().select().from(apps).where(eq(apps.id, appId)).get()).toBeUndefined();
    expect(tagIdsOf(appId)).toEqual([]);
    expect(getDb().select().from(appAssets).where(eq(appAssets.appId, appId)).all()).toEqual([]);
    expect(getDb().select().from(tags).where(eq(tags.id, tag.id)).get()).toBeDefined();
    const [entry] = auditFor(appId);
    expect(entry).toMatchObject({ action: 'app.delete', actorId: owner.id });
    expect(entry.details).toMatchObject({ version: '1.0.0', tags: [{ id: tag.id, name: tag.name }] });
  });

  it('refuses a non-owner and keeps the app', () => {
    const owner = insertUser();
    const other = insertUser();
    const appId = insertApp(owner.id, 'ALL_USERS');
    expect(() => deleteAppVersion(viewerOf(other), appId)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(getDb().select().from(apps).where(eq(apps.id, appId)).get()).toBeDefined();
    expect(auditFor(appId)).toHaveLength(0);
  });
});
