import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { auditLog, instances, tags } from '@/db/schema';
import type { Viewer } from '@/lib/auth/policy';
import { AppError } from '@/lib/errors';
import { insertAppRow, insertUser, useTempDataDir } from '@/lib/testing/db';
import { setEnv } from '@/lib/testing/env';
import {
  authorizeOperation,
  createInstance,
  getInstance,
  listInstances,
  setAutoSuspend,
  systemDelete,
  updateInstanceVisibility,
} from './store';

useTempDataDir();
const settings = { publicMode: false, fullAccessRole: 'full' };

function viewerOf(over: Partial<Viewer> = {}): Viewer {
  const user = insertUser({ isAdmin: over.isAdmin ?? false, roles: over.roles ?? [] });
  return { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin, roles: user.roles, fullAccess: true, ...over };
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  return 'OK';
}

afterEach(() => setEnv({ INSTANCE_LIMIT: undefined, VISITOR_INSTANCE_LIMIT: undefined }));

describe('starting an instance', () => {
  it('records a PENDING instance with its audit row', () => {
    const owner = viewerOf();
    const appId = insertAppRow({ ownerId: owner.id, visibility: 'ALL_USERS' });
    const user = viewerOf();
    const record = createInstance(user, { appId, visibility: 'ALL_USERS' }, settings);
    expect(record).toMatchObject({ status: 'PENDING', stage: 'SOURCING', visibility: 'ALL_USERS', ownerId: user.id });
    expect(record.app.id).toBe(appId);
    const audit = getDb().select().from(auditLog).where(eq(auditLog.targetId, record.id)).all();
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([['instance.start', user.id]]);
  });

  it('refuses what the platform refuses, changing nothing', () => {
    const owner = viewerOf();
    const before = getDb().select().from(instances).all().length;
    const privateApp = insertAppRow({ ownerId: owner.id, visibility: 'PRIVATE' });
    const managed = insertAppRow({ ownerId: owner.id, visibility: 'ALL_USERS', instanceLifecycle: 'MANAGED' });
    const link = insertAppRow({ ownerId: owner.id, visibility: 'ALL_USERS', instanceLifecycle: 'LINK', kind: 'link' });
    const other = viewerOf();
    expect(codeOf(() => createInstance(other, { appId: privateApp }, settings))).toBe('NOT_FOUND');
    expect(codeOf(() => createInstance(other, { appId: 'nope' }, settings))).toBe('NOT_FOUND');
    expect(codeOf(() => createInstance(other, { appId: managed }, settings))).toBe('FORBIDDEN');
    expect(codeOf(() => createInstance(owner, { appId: link }, settings))).toBe('CONFLICT');
    const visitor = viewerOf({ fullAccess: false, roles: ['partners'] });
    const tagId = 'tag-partners';
    getDb().insert(tags).values({ id: tagId, name: 'PARTNERS', title: 'Partners', visitorRoles: ['partners'] }).run();
    const exposed = insertAppRow({ ownerId: owner.id, visibility: 'ALL_USERS' }, [tagId]);
    expect(codeOf(() => createInstance(visitor, { appId: exposed, visibility: 'ALL_USERS' }, settings))).toBe('FORBIDDEN');
    expect(getDb().select().from(instances).all().length).toBe(before);
    expect(createInstance(visitor, { appId: exposed }, settings).visibility).toBe('PRIVATE');
    expect(createInstance(owner, { appId: managed }, settings).status).toBe('PENDING');
  });

  it('counts every instance a user holds against INSTANCE_LIMIT, visitors against VISITOR_INSTANCE_LIMIT', () => {
    setEnv({ INSTANCE_LIMIT: '2', VISITOR_INSTANCE_LIMIT: '1' });
    const owner = viewerOf();
    const appId = insertAppRow({ ownerId: owner.id, visibility: 'ALL_USERS' });
    const user = viewerOf();
    createInstance(user, { appId }, settings);
    createInstance(user, { appId }, settings);
    let message = '';
    try {
      createInstance(user, { appId }, settings);
    } catch (error) {
      expect((error as AppError).code).toBe('LIMIT_REACHED');
      message = (error as AppError).message;
    }
    expect(message).toMatch(/You have 2 instances.*\(2\).*\/instances/);
    expect(listInstances(user, { kind: 'mine' })).toHaveLength(2);

    getDb().insert(tags).values({ id: 'tag-v', name: 'V', title: 'V', visitorRoles: ['v'] }).run();
    const exposed = insertAppRow({ ownerId: owner.id, visibility: 'ALL_USERS' }, ['tag-v']);
    const visitor = viewerOf({ fullAccess: false, roles: ['v'] });
    createInstance(visitor, { appId: exposed }, settings);
    expect(codeOf(() => createInstance(visitor, { appId: exposed }, settings))).toBe('LIMIT_REACHED');
  });
});

describe('reading and operating instances', () => {
  it('another user gets 404 for a PRIVATE instance; the app owner and admins see it', () => {
    const appOwner = viewerOf();
    const appId = insertAppRow({ ownerId: appOwner.id, visibility: 'ALL_USERS' });
    const starter = viewerOf();
    const { id } = createInstance(starter, { appId }, settings);
    expect(codeOf(() => getInstance(viewerOf(), id, settings))).toBe('NOT_FOUND');
    expect(codeOf(() => getInstance(null, id, settings))).toBe('NOT_FOUND');
    expect(getInstance(appOwner, id, settings).id).toBe(id);
    expect(getInstance(viewerOf({ isAdmin: true }), id, settings).id).toBe(id);
    expect(listInstances(appOwner, { kind: 'app', appId }).map((i) => i.id)).toContain(id);
    expect(codeOf(() => listInstances(starter, { kind: 'app', appId }))).toBe('NOT_FOUND');
    expect(codeOf(() => listInstances(starter, { kind: 'all' }))).toBe('FORBIDDEN');
  });

  it('only the owner changes visibility or suspends; admins may terminate', () => {
    const appOwner = viewerOf();
    const appId = insertAppRow({ ownerId: appOwner.id, visibility: 'ALL_USERS' });
    const starter = viewerOf();
    const admin = viewerOf({ isAdmin: true });
    const { id } = createInstance(starter, { appId }, settings);
    expect(codeOf(() => updateInstanceVisibility(appOwner, id, 'PUBLIC', settings))).toBe('FORBIDDEN');
    expect(codeOf(() => updateInstanceVisibility(admin, id, 'PUBLIC', settings))).toBe('FORBIDDEN');
    expect(getInstance(starter, id, settings).visibility).toBe('PRIVATE');
    expect(updateInstanceVisibility(starter, id, 'ALL_USERS', settings).visibility).toBe('ALL_USERS');
    expect(authorizeOperation(admin, id, 'suspend', settings).id).toBe(id);
    expect(codeOf(() => authorizeOperation(admin, id, 'keep-alive', settings))).toBe('FORBIDDEN');
    expect(codeOf(() => authorizeOperation(appOwner, id, 'suspend', settings))).toBe('FORBIDDEN');
    expect(authorizeOperation(admin, id, 'terminate', settings).id).toBe(id);
    expect(codeOf(() => authorizeOperation(appOwner, id, 'terminate', settings))).toBe('FORBIDDEN');
    expect(codeOf(() => setAutoSuspend(starter, id, false))).toBe('FORBIDDEN');
    expect(setAutoSuspend(admin, id, false).autoSuspend).toBe(false);
    systemDelete(id, admin.id);
    expect(codeOf(() => getInstance(starter, id, settings))).toBe('NOT_FOUND');
    const audit = getDb().select().from(auditLog).where(eq(auditLog.targetId, id)).all();
    expect(audit.map((a) => a.action)).toEqual(['instance.start', 'instance.update', 'instance.update', 'instance.terminate']);
  });
});

describe('deleting an app version with instances', () => {
  it('is refused without confirmation, listing them, and nothing is deleted', async () => {
    const { deleteAppVersion } = await import('@/lib/apps/settings');
    const owner = viewerOf();
    const appId = insertAppRow({ ownerId: owner.id, visibility: 'ALL_USERS' });
    const starter = viewerOf();
    const { id } = createInstance(starter, { appId }, settings);
    let refusal: AppError | null = null;
    try {
      deleteAppVersion(owner, appId);
    } catch (error) {
      refusal = error as AppError;
    }
    expect(refusal?.code).toBe('CONFLICT');
    expect(refusal?.message).toMatch(/has 1 instance\. Deleting it leaves it running \(no new ones start\); confirm/);
    expect(refusal?.details).toEqual({
      instances: [{ id, status: 'PENDING', owner: starter.name, page: `/instances/${id}`, url: expect.stringContaining(id) }],
    });
    expect(getInstance(owner, id, settings).app.deletedAt).toBeNull();
    expect(getDb().$client.prepare('select count(*) as n from apps where id = ?').get(appId)).toEqual({ n: 1 });
  });

  it('with confirmation: the version goes, its instances keep running on a copy of it, and no new one starts', async () => {
    const { deleteAppVersionWithFiles } = await import('@/lib/apps/settings');
    const { instanceSpec } = await import('./spec');
    const { bundlePath } = await import('@/lib/storage/paths');
    const { sweepOrphanFiles } = await import('@/lib/storage/sweep');
    const fs = await import('node:fs');
    const path = await import('node:path');
    const owner = viewerOf();
    const visitorTag = getDb().insert(tags).values({ id: 'auth-del', name: 'auth-del', title: 'A', visitorRoles: ['guest'] }).returning().get();
    const sha = 'e'.repeat(64);
    const appId = insertAppRow(
      {
        ownerId: owner.id,
        visibility: 'ALL_USERS',
        name: 'retired-app',
        version: '2.0.0',
        title: 'Retired',
        bundleSha256: sha,
        runtime: { module: 'app', routingMode: 'BASE_URL' } as never,
        env: [{ name: 'GREETING', value: 'hi', optional: false }],
      },
      [visitorTag.id],
    );
    fs.mkdirSync(path.dirname(bundlePath(sha)), { recursive: true });
    fs.writeFileSync(bundlePath(sha), 'the bundle');
    const starter = viewerOf();
    const { id } = createInstance(starter, { appId, visibility: 'ALL_USERS' }, settings);

    const deleted = await deleteAppVersionWithFiles(owner, appId, { force: true });
    expect(deleted.instances.map((i) => i.id)).toEqual([id]);
    expect(getDb().$client.prepare('select count(*) as n from apps where id = ?').get(appId)).toEqual({ n: 0 });

    // The instance is shown and authorized as before: its version's name, owner, visibility and tags.
    const record = getInstance(starter, id, settings);
    expect(record.app).toMatchObject({ id: appId, name: 'retired-app', version: '2.0.0', title: 'Retired', ownerId: owner.id, routingMode: 'BASE_URL' });
    expect(record.app.tagVisitorRoles).toEqual([['guest']]);
    expect(record.app.deletedAt).toBeInstanceOf(Date);
    expect(getInstance(owner, id, settings).id).toBe(id); // the app owner still troubleshoots it
    const guest = viewerOf({ fullAccess: false, roles: ['guest'] });
    const { routeFacts } = await import('./store');
    expect(routeFacts(id)).toMatchObject({ id, routingMode: 'BASE_URL', app: { ownerId: owner.id, visibility: 'ALL_USERS', tagVisitorRoles: [['guest']] } });
    const { canOpenInstance } = await import('@/lib/auth/instance-policy');
    expect(canOpenInstance(guest, routeFacts(id)!, settings)).toBe(true);

    // It can start again (resume, recovery after a restart) from its copy, on the bundle the sweep keeps.
    const spec = instanceSpec(record);
    expect(spec).toMatchObject({ appVersionId: appId, appName: 'retired-app', appVersion: '2.0.0', bundlePath: bundlePath(sha) });
    expect(spec.env).toEqual([{ name: 'GREETING', value: 'hi', secret: false }]);
    await sweepOrphanFiles();
    expect(fs.existsSync(bundlePath(sha))).toBe(true);

    // No new instance of the deleted version starts.
    expect(codeOf(() => createInstance(starter, { appId }, settings))).toBe('NOT_FOUND');
    const audit = getDb().select().from(auditLog).where(eq(auditLog.targetId, appId)).all();
    expect(audit.map((a) => [a.action, a.details.instancesKeptRunning])).toEqual([['app.delete', [id]]]);

    // Once it is terminated, its bundle is garbage like any other.
    systemDelete(id, starter.id);
    const { withStorageLock } = await import('@/lib/storage/lock');
    await withStorageLock(async () => undefined); // after the removal queued behind the same lock
    expect(fs.existsSync(bundlePath(sha))).toBe(false);
  });
});

describe('deleting an app version: what the runner prepared for it (RUNNER_DIR/apps/<id>)', () => {
  it('goes with a version that has no instances, and with the last instance of one deleted while they ran', async () => {
    const { deleteAppVersionWithFiles } = await import('@/lib/apps/settings');
    const { LocalRunner } = await import('@/lib/runner/local-runner');
    const { InstanceManager } = await import('./manager');
    const { installInstances } = await import('./gateway');
    const { clearInstalled } = await import('./installed');
    const fs = await import('node:fs');
    const path = await import('node:path');
    const runner = new LocalRunner();
    const manager = new InstanceManager(runner);
    installInstances(manager);
    try {
      const prepare = (appId: string) => {
        const dir = path.join(runner.config.dir, 'apps', appId);
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, 'app.py'), '');
        return dir;
      };
      const owner = viewerOf();
      const alone = insertAppRow({ ownerId: owner.id, visibility: 'ALL_USERS', bundleSha256: 'c'.repeat(64) });
      const aloneDir = prepare(alone);
      const sibling = prepare(insertAppRow({ ownerId: owner.id, visibility: 'ALL_USERS' }));
      await deleteAppVersionWithFiles(owner, alone);
      expect(fs.existsSync(aloneDir)).toBe(false);
      expect(fs.existsSync(sibling)).toBe(true);

      const running = insertAppRow({ ownerId: owner.id, visibility: 'ALL_USERS', bundleSha256: 'd'.repeat(64) });
      const runningDir = prepare(running);
      const { id } = createInstance(owner, { appId: running }, settings);
      await deleteAppVersionWithFiles(owner, running, { force: true });
      expect(fs.existsSync(runningDir)).toBe(true); // its instance still runs from it
      await manager.terminate(id, owner.id);
      expect(fs.existsSync(runningDir)).toBe(false);
    } finally {
      clearInstalled();
    }
  });
});

describe('narrowing an app version\'s visibility', () => {
  it('leaves its running instances alone but starts no new ones for those no longer allowed', async () => {
    const { updateAppSettings } = await import('@/lib/apps/settings');
    const owner = viewerOf();
    const appId = insertAppRow({ ownerId: owner.id, visibility: 'ALL_USERS' });
    const starter = viewerOf();
    const { id } = createInstance(starter, { appId, visibility: 'ALL_USERS' }, settings);
    getDb().update(instances).set({ status: 'DEPLOYED' }).where(eq(instances.id, id)).run();

    updateAppSettings(owner, appId, { visibility: 'PRIVATE' });
    const record = getInstance(starter, id, settings);
    expect(record.status).toBe('DEPLOYED');
    expect(record.app.visibility).toBe('PRIVATE');
    const { canOpenInstance } = await import('@/lib/auth/instance-policy');
    const { routeFacts } = await import('./store');
    expect(canOpenInstance(starter, routeFacts(id)!, settings)).toBe(true);
    expect(codeOf(() => createInstance(starter, { appId }, settings))).toBe('NOT_FOUND');
    expect(createInstance(owner, { appId }, settings).app.id).toBe(appId); // its owner still may
  });
});
