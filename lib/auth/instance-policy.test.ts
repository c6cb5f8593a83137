import { describe, expect, it } from 'vitest';
import {
  allowedInstanceVisibilities,
  canOpenInstance,
  canOperateInstance,
  canReadInstanceLogs,
  canSeeInstance,
  canSuspendInstance,
  canTerminateInstance,
  startRefusal,
  type InstanceFacts,
  type RunnableAppFacts,
} from './instance-policy';
import type { Viewer } from './policy';

const settings = { publicMode: false, fullAccessRole: 'full' };
const viewer = (id: string, extra: Partial<Viewer> = {}): Viewer => ({
  id,
  email: `${id}@x.test`,
  name: id,
  isAdmin: false,
  roles: [],
  fullAccess: true,
  ...extra,
});
const admin = viewer('admin', { isAdmin: true });
const appOwner = viewer('app-owner');
const starter = viewer('starter');
const other = viewer('other');
const visitorWithRole = viewer('visitor', { fullAccess: false, roles: ['partners'] });
const visitorWithout = viewer('visitor2', { fullAccess: false, roles: ['nobody'] });

const app = (extra: Partial<RunnableAppFacts> = {}): RunnableAppFacts => ({
  ownerId: appOwner.id,
  visibility: 'ALL_USERS',
  tagVisitorRoles: [['partners']],
  instanceLifecycle: 'ON_DEMAND',
  ...extra,
});
const instance = (visibility: InstanceFacts['visibility'], ownerId = starter.id): InstanceFacts => ({
  ownerId,
  visibility,
  app: app(),
});

describe('starting instances', () => {
  it('ON_DEMAND: anyone who may see the app, visitors through authorization tags', () => {
    for (const v of [admin, appOwner, starter, visitorWithRole]) expect(startRefusal(v, app(), settings), v.id).toBeNull();
    expect(startRefusal(visitorWithout, app(), settings)).toBe('not-visible');
    expect(startRefusal(starter, app({ visibility: 'PRIVATE' }), settings)).toBe('not-visible');
  });

  it('MANAGED: only the app owner and admins', () => {
    const managed = app({ instanceLifecycle: 'MANAGED' });
    expect(startRefusal(appOwner, managed, settings)).toBeNull();
    expect(startRefusal(admin, managed, settings)).toBeNull();
    expect(startRefusal(starter, managed, settings)).toBe('managed');
    expect(startRefusal(visitorWithRole, managed, settings)).toBe('managed');
  });

  it('LINK apps never have instances; anonymous visitors must sign in even for PUBLIC apps', () => {
    expect(startRefusal(admin, app({ instanceLifecycle: 'LINK' }), settings)).toBe('link');
    expect(startRefusal(null, app({ visibility: 'PUBLIC' }), { ...settings, publicMode: true })).toBe('sign-in');
    expect(startRefusal(null, app({ visibility: 'PUBLIC' }), settings)).toBe('not-visible');
  });

  it('visitors may only keep their instances private', () => {
    expect(allowedInstanceVisibilities(visitorWithRole)).toEqual(['PRIVATE']);
    expect(allowedInstanceVisibilities(starter)).toEqual(['PRIVATE', 'ALL_USERS', 'PUBLIC']);
  });
});

describe('opening an instance', () => {
  it('PRIVATE: the instance owner only — not admins, not the app owner', () => {
    const i = instance('PRIVATE');
    expect(canOpenInstance(starter, i, settings)).toBe(true);
    for (const v of [admin, appOwner, other, visitorWithRole, null]) expect(canOpenInstance(v, i, settings)).toBe(false);
  });

  it('ALL_USERS: full-access users and visitors who may see the app', () => {
    const i = instance('ALL_USERS');
    for (const v of [starter, other, admin, appOwner, visitorWithRole]) expect(canOpenInstance(v, i, settings), v.id).toBe(true);
    expect(canOpenInstance(visitorWithout, i, settings)).toBe(false);
    expect(canOpenInstance(null, i, settings)).toBe(false);
  });

  it('PUBLIC: anyone with the URL, signed in or not', () => {
    const i = instance('PUBLIC');
    for (const v of [null, visitorWithout, other]) expect(canOpenInstance(v, i, settings)).toBe(true);
  });
});

describe('seeing, troubleshooting and operating', () => {
  const i = instance('PRIVATE');
  it('metadata: owner, app owner, admins; others not', () => {
    for (const v of [starter, appOwner, admin]) expect(canSeeInstance(v, i, settings), v.id).toBe(true);
    for (const v of [other, visitorWithRole, null]) expect(canSeeInstance(v, i, settings)).toBe(false);
  });

  it('logs: owner, app owner, admins; never visitors, even their own', () => {
    for (const v of [starter, appOwner, admin]) expect(canReadInstanceLogs(v, i), v.id).toBe(true);
    expect(canReadInstanceLogs(other, i)).toBe(false);
    expect(canReadInstanceLogs(visitorWithRole, instance('PRIVATE', visitorWithRole.id))).toBe(false);
  });

  it('suspend/resume/visibility: owner only; terminate: owner and admins', () => {
    expect(canOperateInstance(starter, i)).toBe(true);
    for (const v of [admin, appOwner, other, null]) expect(canOperateInstance(v, i)).toBe(false);
    expect(canSuspendInstance(admin, i)).toBe(true);
    expect(canSuspendInstance(appOwner, i)).toBe(false);
    expect(canTerminateInstance(admin, i)).toBe(true);
    expect(canTerminateInstance(starter, i)).toBe(true);
    expect(canTerminateInstance(appOwner, i)).toBe(false);
  });
});
