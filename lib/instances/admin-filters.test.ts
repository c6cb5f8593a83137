// The admin list's filters (GET /api/v1/instances?all=1, `appstore admin instance list`, /admin/instances):
// app by id or part of its name or title, owner by part of the name or e-mail (a literal %), status.
import { describe, expect, it } from 'vitest';
import type { Viewer } from '@/lib/auth/policy';
import { insertAppRow, insertUser, useTempDataDir } from '@/lib/testing/db';
import { createInstance, listInstances, systemSetState } from './store';

useTempDataDir();
const settings = { publicMode: false, fullAccessRole: '' };

function viewerOf(values: { name?: string; email?: string; isAdmin?: boolean } = {}): Viewer {
  const user = insertUser(values);
  return { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin, roles: [], fullAccess: true };
}

describe('filtering every instance', () => {
  it('matches app, owner name or e-mail and status, together', () => {
    const admin = viewerOf({ isAdmin: true });
    const ada = viewerOf({ name: 'Ada Lovelace', email: 'ada@analytical.example' });
    const bob = viewerOf({ name: 'Bob 100%', email: 'bob@example.test' });
    const churn = insertAppRow({ ownerId: ada.id, visibility: 'ALL_USERS', name: 'churn-filter', title: 'Churn Predictor' });
    const other = insertAppRow({ ownerId: ada.id, visibility: 'ALL_USERS', name: 'other-filter', title: 'Other' });
    const adaChurn = createInstance(ada, { appId: churn }, settings).id;
    const bobChurn = createInstance(bob, { appId: churn }, settings).id;
    const adaOther = createInstance(ada, { appId: other }, settings).id;
    systemSetState(bobChurn, { status: 'DEPLOYED' });
    const ids = (filters: Parameters<typeof listInstances>[1]) => listInstances(admin, filters).map((r) => r.id).sort();

    expect(ids({ kind: 'all', app: 'churn-filter' })).toEqual([adaChurn, bobChurn].sort());
    expect(ids({ kind: 'all', app: 'PREDICTOR' })).toEqual([adaChurn, bobChurn].sort());
    expect(ids({ kind: 'all', app: other })).toEqual([adaOther]);
    expect(ids({ kind: 'all', owner: 'ANALYTICAL.example' })).toEqual([adaChurn, adaOther].sort());
    expect(ids({ kind: 'all', owner: 'lovelace', app: 'churn' })).toEqual([adaChurn]);
    expect(ids({ kind: 'all', owner: '100%' })).toEqual([bobChurn]);
    expect(ids({ kind: 'all', owner: '%' }).filter((id) => id === adaChurn)).toEqual([]);
    expect(ids({ kind: 'all', owner: 'a_a' })).toEqual([]);
    expect(ids({ kind: 'all', app: 'churn-filter', status: 'DEPLOYED' })).toEqual([bobChurn]);
    expect(ids({ kind: 'all', app: 'churn-filter', status: 'SUSPENDED' })).toEqual([]);
  });
});
