// A BASE_URL app learns its prefix (H2O_WAVE_BASE_URL) at start: when its primary alias changes, the manager
// restarts a running instance under the new prefix, and leaves alone what needs no restart.
import { describe, expect, it } from 'vitest';
import type { Viewer } from '@/lib/auth/policy';
import type { InstanceSpec, Runner, RunnerCapabilities } from '@/lib/runner/types';
import { insertAppRow, insertUser, useTempDataDir } from '@/lib/testing/db';
import { createAlias, promoteAlias, unassignAlias } from './aliases';
import { InstanceManager } from './manager';
import { createInstance, systemGet } from './store';

useTempDataDir();
const settings = { publicMode: false, fullAccessRole: '' };

/** Records each start's base URL and each stop; answers at once. */
function fakeRunner() {
  const running = new Set<string>();
  const log: string[] = [];
  const runner: Runner = {
    capabilities: async () => ({}) as RunnerCapabilities,
    async start(spec: InstanceSpec) {
      running.add(spec.instanceId);
      log.push(`start ${spec.baseUrl}`);
      return { instanceId: spec.instanceId, endpoint: { host: '127.0.0.1', port: 1 }, enforced: { memory: false, cpu: false } } as never;
    },
    async stop(id) {
      running.delete(id);
      log.push('stop');
    },
    async terminate(id) {
      running.delete(id);
    },
    usage: () => null,
    endpoint: (id) => (running.has(id) ? ({ host: '127.0.0.1', port: 1 } as never) : null),
    logs: () => ({ read: async () => '', follow: async function* () {} }),
    shutdown: async () => undefined,
    forgetAppVersion: async () => undefined,
    forgetAppVersionsExcept: async () => ({ appVersions: 0, environments: 0 }),
  };
  return { runner, log };
}

function viewerOf(isAdmin = false): Viewer {
  const user = insertUser({ isAdmin });
  return { id: user.id, email: user.email, name: user.name, isAdmin, roles: [], fullAccess: true };
}

async function deployedInstance(manager: InstanceManager, routingMode: 'BASE_URL' | 'DOMAIN') {
  const owner = viewerOf();
  const appId = insertAppRow({
    ownerId: owner.id,
    visibility: 'ALL_USERS',
    bundleSha256: 'a'.repeat(64),
    runtime: { module: 'app', appMode: 'python', port: 8080, routingMode } as never,
  });
  const id = createInstance(owner, { appId }, settings).id;
  await manager.launch(id);
  expect(systemGet(id)?.status).toBe('DEPLOYED');
  return id;
}

describe('rebase: a BASE_URL instance follows its primary alias', () => {
  it('restarts a running BASE_URL instance when its prefix changes, and not otherwise', async () => {
    const { runner, log } = fakeRunner();
    const manager = new InstanceManager(runner);
    const admin = viewerOf(true);
    const id = await deployedInstance(manager, 'BASE_URL');
    expect(log).toEqual([`start /instance/${id}/`]);

    // The alias functions go through the process's manager; here the test drives this one.
    createAlias(admin, { name: `wave-${id.slice(0, 8)}`, instanceId: id, primary: true });
    expect(await manager.rebase(id, admin.id)).toBe(true);
    await manager.launch(id);
    expect(systemGet(id)?.status).toBe('DEPLOYED');
    expect(manager.startedBase(id)).toBe(`/alias/wave-${id.slice(0, 8)}/`);
    expect(log.slice(1)).toEqual(['stop', `start /alias/wave-${id.slice(0, 8)}/`]);

    // Nothing changed: no restart. A non-primary alias changes nothing either.
    expect(await manager.rebase(id, admin.id)).toBe(false);
    createAlias(admin, { name: `other-${id.slice(0, 8)}`, instanceId: id });
    expect(await manager.rebase(id, admin.id)).toBe(false);
    // Promoted, then unassigned: each time under the new prefix.
    promoteAlias(admin, `other-${id.slice(0, 8)}`);
    expect(await manager.rebase(id, admin.id)).toBe(true);
    await manager.launch(id);
    expect(manager.startedBase(id)).toBe(`/alias/other-${id.slice(0, 8)}/`);
    unassignAlias(admin, `other-${id.slice(0, 8)}`);
    expect(await manager.rebase(id, admin.id)).toBe(true);
    await manager.launch(id);
    expect(manager.startedBase(id)).toBe(`/instance/${id}/`);
  });

  it('leaves DOMAIN instances and instances that do not run alone', async () => {
    const { runner, log } = fakeRunner();
    const manager = new InstanceManager(runner);
    const admin = viewerOf(true);
    const domain = await deployedInstance(manager, 'DOMAIN');
    createAlias(admin, { name: `dom-${domain.slice(0, 8)}`, instanceId: domain, primary: true });
    expect(await manager.rebase(domain, admin.id)).toBe(false);
    const base = await deployedInstance(manager, 'BASE_URL');
    await manager.suspend(base, { actorId: admin.id });
    createAlias(admin, { name: `sus-${base.slice(0, 8)}`, instanceId: base, primary: true });
    expect(await manager.rebase(base, admin.id)).toBe(false);
    expect(log.filter((l) => l === 'stop')).toHaveLength(1); // the suspension's only
  });
});
