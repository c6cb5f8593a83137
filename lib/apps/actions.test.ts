// The edit panel's actions are public POST endpoints: a direct call with another user's app id is refused.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { apps, appTags, tags, type Visibility } from '@/db/schema';
import type { Viewer } from '@/lib/auth/policy';
import { bundlePath } from '@/lib/storage/paths';
import { insertUser, useTempDataDir, refusedWithoutChange } from '@/lib/testing/db';
import { PUBLIC_NEEDS_PUBLIC_MODE } from '@/lib/apps/visibility';

let currentViewer: Viewer | null = null;
vi.mock('@/lib/auth/viewer', () => ({ getViewer: async () => currentViewer }));
vi.mock('next/cache', () => ({ revalidatePath: () => {} }));

const { updateAppSettingsAction, deleteAppVersionAction } = await import('./actions');

useTempDataDir();

const form = (fields: Record<string, string | string[]>) => {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) fd.append(k, one);
  return fd;
};

function insertApp(ownerId: string, visibility: Visibility) {
  const id = randomUUID();
  getDb()
    .insert(apps)
    .values({
      id,
      name: `app-${id.slice(0, 8)}`,
      version: '1.0.0',
      versionKey: '1.0.0',
      ownerId,
      visibility,
      kind: 'wave',
      title: 'Theirs',
      instanceLifecycle: 'ON_DEMAND',
      runtime: {} as never,
      env: [],
      files: [],
      bundleSha256: createHash('sha256').update(id).digest('hex'),
      bundleSize: 1,
    })
    .run();
  return id;
}

const asViewer = (u: { id: string; email: string; name: string }, isAdmin = false): Viewer => ({
  id: u.id,
  email: u.email,
  name: u.name,
  isAdmin,
  roles: [],
  fullAccess: true,
});
const visibilityOf = (id: string) => getDb().select().from(apps).where(eq(apps.id, id)).get()?.visibility;

describe('My Apps actions called directly', () => {
  beforeEach(() => {
    currentViewer = null;
  });

  it("refuses a signed-in non-owner changing someone else's app, visible or not", async () => {
    const owner = insertUser();
    const other = insertUser();
    const privateApp = insertApp(owner.id, 'PRIVATE');
    const sharedApp = insertApp(owner.id, 'ALL_USERS');
    const tagId = randomUUID();
    getDb().insert(tags).values({ id: tagId, name: `t-${tagId}`, title: 'T' }).run();
    currentViewer = asViewer(other);
    const a = await refusedWithoutChange(() => updateAppSettingsAction(null, form({ appId: privateApp, visibility: 'ALL_USERS', tagsShown: 'true' })));
    expect(a).toMatchObject({ ok: false, message: 'No such app.' });
    const b = await refusedWithoutChange(() =>
      updateAppSettingsAction(null, form({ appId: sharedApp, visibility: 'PRIVATE', tagsShown: 'true', tagIds: tagId })),
    );
    expect(b).toMatchObject({ ok: false, message: 'Only the owner of this app or an administrator may change it.' });
    expect(visibilityOf(privateApp)).toBe('PRIVATE');
    expect(visibilityOf(sharedApp)).toBe('ALL_USERS');
    expect(getDb().select().from(appTags).where(eq(appTags.appId, sharedApp)).all()).toEqual([]);
  });

  it("refuses a non-owner deleting someone else's version", async () => {
    const owner = insertUser();
    const appId = insertApp(owner.id, 'ALL_USERS');
    currentViewer = asViewer(insertUser());
    expect(await refusedWithoutChange(() => deleteAppVersionAction(null, form({ appId })))).toMatchObject({ ok: false });
    expect(visibilityOf(appId)).toBe('ALL_USERS');
  });

  it('lets the owner delete a version, removing its bundle file', async () => {
    const owner = insertUser();
    const appId = insertApp(owner.id, 'PRIVATE');
    const file = bundlePath(getDb().select().from(apps).where(eq(apps.id, appId)).get()!.bundleSha256);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'zip');
    currentViewer = asViewer(owner);
    expect(await deleteAppVersionAction(null, form({ appId }))).toMatchObject({ ok: true });
    expect(visibilityOf(appId)).toBeUndefined();
    expect(fs.existsSync(file)).toBe(false);
  });

  it('refuses an anonymous caller', async () => {
    const appId = insertApp(insertUser().id, 'PRIVATE');
    expect(await refusedWithoutChange(() => updateAppSettingsAction(null, form({ appId, visibility: 'ALL_USERS' })))).toMatchObject({ ok: false });
    expect(await refusedWithoutChange(() => deleteAppVersionAction(null, form({ appId })))).toMatchObject({ ok: false });
    expect(visibilityOf(appId)).toBe('PRIVATE');
  });

  it('lets the owner and an admin save, with tags left alone when the panel did not show them', async () => {
    const owner = insertUser();
    const appId = insertApp(owner.id, 'PRIVATE');
    const tagId = randomUUID();
    getDb().insert(tags).values({ id: tagId, name: `t-${tagId}`, title: 'T' }).run();
    getDb().insert(appTags).values({ appId, tagId }).run();
    currentViewer = asViewer(owner);
    expect(await updateAppSettingsAction(null, form({ appId, visibility: 'ALL_USERS' }))).toMatchObject({ ok: true, message: 'Saved Theirs 1.0.0.' });
    expect(visibilityOf(appId)).toBe('ALL_USERS');
    expect(getDb().select().from(appTags).where(eq(appTags.appId, appId)).all()).toHaveLength(1);
    currentViewer = asViewer(insertUser({ isAdmin: true }), true);
    expect(await updateAppSettingsAction(null, form({ appId, visibility: 'PRIVATE', tagsShown: 'true' }))).toMatchObject({ ok: true });
    expect(getDb().select().from(appTags).where(eq(appTags.appId, appId)).all()).toEqual([]);
  });

  it('shows a refused PUBLIC as a field error', async () => {
    const owner = insertUser();
    const appId = insertApp(owner.id, 'PRIVATE');
    currentViewer = asViewer(owner);
    const state = await refusedWithoutChange(() => updateAppSettingsAction(null, form({ appId, visibility: 'PUBLIC' })));
    expect(state).toMatchObject({ ok: false, fieldErrors: { visibility: [PUBLIC_NEEDS_PUBLIC_MODE] } });
  });
});
