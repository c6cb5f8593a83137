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
  it('is refused until they are terminated, and nothing is deleted meanwhile', async () => {
    const { deleteAppVersion } = await import('@/lib/apps/settings');
    const owner = viewerOf();
    const appId = insertAppRow({ ownerId: owner.id, visibility: 'ALL_USERS' });
    const { id } = createInstance(viewerOf(), { appId }, settings);
    let message = '';
    try {
      deleteAppVersion(owner, appId);
    } catch (error) {
      message = (error as AppError).message;
      expect((error as AppError).code).toBe('CONFLICT');
    }
    expect(message).toMatch(/has 1 instance: terminate it first/);
    expect(getInstance(owner, id, settings).app.id).toBe(appId);
    systemDelete(id, owner.id);
    expect(deleteAppVersion(owner, appId).id).toBe(appId);
  });
});
