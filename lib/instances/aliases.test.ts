import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { auditLog } from '@/db/schema';
import type { Viewer } from '@/lib/auth/policy';
import { AppError } from '@/lib/errors';
import { insertAppRow, insertUser, useTempDataDir } from '@/lib/testing/db';
import { aliasesOf, assignAlias, createAlias, deleteAlias, getAlias, listAliases, promoteAlias, unassignAlias } from './aliases';
import { aliasTarget, createInstance, routeFacts, systemDelete } from './store';

useTempDataDir();
const settings = { publicMode: false, fullAccessRole: '' };

function viewerOf(over: Partial<Viewer> = {}): Viewer {
  const user = insertUser({ isAdmin: over.isAdmin ?? false });
  return { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin, roles: [], fullAccess: true, ...over };
}
const admin = () => viewerOf({ isAdmin: true });

function instance(): string {
  const owner = viewerOf();
  const appId = insertAppRow({ ownerId: owner.id, visibility: 'ALL_USERS' });
  return createInstance(owner, { appId }, settings).id;
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

let n = 0;
const aliasName = () => `churn-${++n}-${Date.now().toString(36)}`;

describe('aliases', () => {
  it('are DNS labels that are not UUIDs, unique, created by administrators only', () => {
    const id = instance();
    const a = admin();
    for (const bad of ['Churn', 'a_b', '-a', 'x'.repeat(64), '0b8e7c2e-4a1f-4c55-9a43-2b1f3b0c9d11']) {
      expect(codeOf(() => createAlias(a, { name: bad, instanceId: id })), bad).toBe('INVALID_INPUT');
    }
    const name = aliasName();
    expect(codeOf(() => createAlias(viewerOf(), { name, instanceId: id }))).toBe('FORBIDDEN');
    expect(codeOf(() => listAliases(viewerOf()))).toBe('FORBIDDEN');
    expect(createAlias(a, { name, instanceId: id })).toMatchObject({ name, instanceId: id, primary: false, instanceStatus: 'PENDING', active: false });
    expect(codeOf(() => createAlias(a, { name, instanceId: id }))).toBe('CONFLICT');
    expect(codeOf(() => createAlias(a, { name: aliasName(), instanceId: 'nope' }))).toBe('NOT_FOUND');
    expect(aliasTarget(name)).toBe(id);
    expect(aliasTarget('never-made')).toBeUndefined();
  });

  it('an instance has at most one primary: promoting one demotes the other', () => {
    const id = instance();
    const a = admin();
    const first = aliasName();
    const second = aliasName();
    createAlias(a, { name: first, instanceId: id, primary: true });
    expect(routeFacts(id)?.primaryAlias).toBe(first);
    createAlias(a, { name: second, instanceId: id });
    expect(routeFacts(id)?.primaryAlias).toBe(first);
    promoteAlias(a, second);
    expect(routeFacts(id)?.primaryAlias).toBe(second);
    expect(getAlias(a, first).primary).toBe(false);
    expect(aliasesOf(id)).toEqual([
      { name: second, primary: true },
      { name: first, primary: false },
    ]);
  });

  it('assign moves an alias and keeps it primary (the roll-out), unassign and termination leave it inactive', () => {
    const a = admin();
    const v11 = instance();
    const v12 = instance();
    const name = aliasName();
    createAlias(a, { name, instanceId: v11, primary: true });
    assignAlias(a, name, v12);
    expect(routeFacts(v12)?.primaryAlias).toBe(name);
    expect(routeFacts(v11)?.primaryAlias).toBeNull();
    expect(assignAlias(a, name, v11, false).primary).toBe(false);
    expect(unassignAlias(a, name)).toMatchObject({ instanceId: null, primary: false, active: false });
    // A primary alias keeps its flag while it points nowhere: assigned again, it is primary again.
    promoteAlias(a, (assignAlias(a, name, v11), name));
    expect(unassignAlias(a, name)).toMatchObject({ instanceId: null, primary: true, active: false });
    expect(routeFacts(v11)?.primaryAlias).toBeNull();
    expect(assignAlias(a, name, v12).primary).toBe(true);
    expect(routeFacts(v12)?.primaryAlias).toBe(name);
    unassignAlias(a, name);
    expect(aliasTarget(name)).toBeNull();
    expect(codeOf(() => promoteAlias(a, name))).toBe('CONFLICT');

    const other = aliasName();
    createAlias(a, { name: other, instanceId: v12, primary: true });
    systemDelete(v12, a.id);
    expect(aliasTarget(other)).toBeNull();
    expect(getAlias(a, other)).toMatchObject({ instanceId: null, primary: true, active: false });
    // The roll-out after a termination: `assign` alone makes it the new instance's primary again.
    const v13 = instance();
    expect(assignAlias(a, other, v13).primary).toBe(true);
    expect(routeFacts(v13)?.primaryAlias).toBe(other);
    deleteAlias(a, other);
    expect(codeOf(() => getAlias(a, other))).toBe('NOT_FOUND');
    const audit = getDb().select().from(auditLog).where(eq(auditLog.targetId, name)).all();
    expect(audit.map((e) => e.action)).toEqual(['alias.create', 'alias.assign', 'alias.assign', 'alias.unassign', 'alias.assign', 'alias.promote', 'alias.unassign', 'alias.assign', 'alias.unassign']);
  });
});

describe('an alias of an instance whose version was deleted', () => {
  it('still shows its app and answers while the instance runs', async () => {
    const { deleteAppVersion } = await import('@/lib/apps/settings');
    const owner = viewerOf();
    const appId = insertAppRow({ ownerId: owner.id, visibility: 'ALL_USERS', name: 'kept-app', version: '3.1.0', title: 'Kept' });
    const id = createInstance(owner, { appId }, settings).id;
    const name = aliasName();
    createAlias(admin(), { name, instanceId: id, primary: true });
    deleteAppVersion(owner, appId, { force: true });
    expect(getAlias(admin(), name)).toMatchObject({ instanceId: id, primary: true, app: { id: appId, name: 'kept-app', version: '3.1.0', title: 'Kept' } });
    expect(aliasTarget(name)).toBe(id);
    expect(routeFacts(id)?.primaryAlias).toBe(name);
  });
});
