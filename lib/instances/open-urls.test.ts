// The catalog's cards of MANAGED apps open their newest running instance directly, for viewers who may open it.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { instances } from '@/db/schema';
import type { Viewer } from '@/lib/auth/policy';
import { insertAppRow, insertUser, useTempDataDir } from '@/lib/testing/db';
import { DEPLOYED_MANAGED_SQL, managedOpenUrls } from './run-options';
import { createInstance, systemSetState } from './store';

useTempDataDir();
const settings = { publicMode: false, fullAccessRole: '' };

function viewerOf(over: Partial<Viewer> = {}): Viewer {
  const user = insertUser({ isAdmin: over.isAdmin ?? false });
  return { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin, roles: [], fullAccess: true, ...over };
}

describe('managedOpenUrls (catalog cards)', () => {
  it('gives each MANAGED app its newest DEPLOYED instance the viewer may open, and nothing else', () => {
    const owner = viewerOf();
    const other = viewerOf();
    const app = (lifecycle: string) => insertAppRow({ ownerId: owner.id, visibility: 'ALL_USERS', instanceLifecycle: lifecycle });
    const managed = app('MANAGED');
    const privateOnly = app('MANAGED');
    const pending = app('MANAGED');
    const onDemand = app('ON_DEMAND');
    const start = (appId: string, visibility: 'ALL_USERS' | 'PRIVATE', createdAt: Date, deployed = true) => {
      const { id } = createInstance(owner, { appId, visibility }, settings);
      getDb().update(instances).set({ createdAt }).where(eq(instances.id, id)).run();
      if (deployed) systemSetState(id, { status: 'DEPLOYED' });
      return id;
    };
    start(managed, 'ALL_USERS', new Date(2026, 0, 1));
    const newest = start(managed, 'ALL_USERS', new Date(2026, 0, 3));
    start(managed, 'ALL_USERS', new Date(2026, 0, 5), false); // newer, but not running
    const ownersOwn = start(privateOnly, 'PRIVATE', new Date(2026, 0, 2));
    start(pending, 'ALL_USERS', new Date(2026, 0, 2), false);
    start(onDemand, 'ALL_USERS', new Date(2026, 0, 2));

    const ids = [managed, privateOnly, pending, onDemand, 'no-such-app'];
    const forOther = managedOpenUrls(other, ids, settings);
    expect([...forOther.keys()]).toEqual([managed]);
    expect(forOther.get(managed)).toContain(newest);
    const forOwner = managedOpenUrls(owner, ids, settings);
    expect([...forOwner.keys()].sort()).toEqual([managed, privateOnly].sort());
    expect(forOwner.get(privateOnly)).toContain(ownersOwn);
    expect(managedOpenUrls(null, ids, settings).size).toBe(0); // anonymous: none of these is PUBLIC
    expect(managedOpenUrls(other, [], settings).size).toBe(0);
    expect(managedOpenUrls(other, [onDemand, pending], settings).size).toBe(0);
  });

  it('finds them by the instances index of each version, never scanning instances or apps', () => {
    for (let i = 0; i < 50; i++) {
      const owner = viewerOf();
      const appId = insertAppRow({ ownerId: owner.id, visibility: 'ALL_USERS', instanceLifecycle: 'MANAGED' });
      systemSetState(createInstance(owner, { appId }, settings).id, { status: i % 2 ? 'DEPLOYED' : 'SUSPENDED' });
    }
    getDb().$client.exec('ANALYZE');
    const plan = (getDb().$client.prepare(`EXPLAIN QUERY PLAN ${DEPLOYED_MANAGED_SQL}`).all('["a","b"]') as { detail: string }[]).map((r) => r.detail);
    expect(plan.join('\n')).toMatch(/SEARCH i USING INDEX instances_app_idx \(app_id=\?\)/);
    expect(plan.join('\n')).toMatch(/SEARCH a USING INDEX sqlite_autoindex_apps_1 \(id=\?\)/);
    for (const line of plan) expect(line).not.toMatch(/^SCAN (i|a)\b/);
  });
});
