// The instance manager's decisions over time, with a test double in place of the runner (it records what it
// is asked and answers at once) and a clock the test moves: the idle deadline, the idle sweep, crashes and
// recovery after a portal restart. The real runner is tested in lib/runner.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { auditLog } from '@/db/schema';
import type { Runner, RunnerCapabilities, RunningInstance, StartHooks, InstanceSpec, InstanceLogs } from '@/lib/runner/types';
import { insertAppRow, insertUser, useTempDataDir, viewerOf } from '@/lib/testing/db';
import { InstanceManager } from './manager';
import { createInstance, systemGet, systemSetState } from './store';

useTempDataDir();
const settings = { publicMode: false, fullAccessRole: '' };

/** Test double of a Runner: every start succeeds at once; it remembers starts, stops and each start's hooks. */
class FakeRunner implements Runner {
  readonly started: string[] = [];
  readonly stopped: string[] = [];
  readonly hooks = new Map<string, StartHooks>();
  private readonly running = new Set<string>();

  async capabilities(): Promise<RunnerCapabilities> {
    return {
      runner: 'local',
      sandbox: { enabled: true, unavailableReason: null, disabledByOperator: false },
      resources: { memory: false, cpu: false, cgroupVersion: null, note: null },
      gpu: { available: false, count: 0 },
      egress: true,
    };
  }
  async start(spec: InstanceSpec, hooks: StartHooks = {}): Promise<RunningInstance> {
    this.started.push(spec.instanceId);
    this.hooks.set(spec.instanceId, hooks);
    for (const stage of ['SOURCING', 'INSTALLING', 'STARTING'] as const) hooks.onStage?.({ instanceId: spec.instanceId, stage, at: new Date(), message: stage });
    this.running.add(spec.instanceId);
    return { instanceId: spec.instanceId, endpoint: { host: '127.0.0.1', port: 1 }, enforced: { memory: false, cpu: false } };
  }
  async stop(id: string) {
    this.stopped.push(id);
    this.running.delete(id);
  }
  async terminate(id: string) {
    this.running.delete(id);
  }
  usage() {
    return null;
  }
  endpoint(id: string) {
    return this.running.has(id) ? { host: '127.0.0.1', port: 1 } : null;
  }
  logs(): InstanceLogs {
    return { read: async () => '', follow: async function* () {} };
  }
  async shutdown() {}
  /** App versions the manager told it to forget. */
  readonly forgotten: string[] = [];
  async forgetAppVersion(appVersionId: string) {
    this.forgotten.push(appVersionId);
  }
  async forgetAppVersionsExcept() {
    return { appVersions: 0, environments: 0 };
  }
}

/** A clock the test moves by hand. */
function manualClock(start = Date.parse('2026-01-01T00:00:00Z')) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function newInstance(instanceTimeout: string | null = '30s') {
  const owner = insertUser();
  const appId = insertAppRow({ ownerId: owner.id, visibility: 'ALL_USERS', instanceTimeout, bundleSha256: 'a'.repeat(64) });
  return createInstance(viewerOf(owner), { appId }, settings);
}

const suspendAfterOf = (id: string) => systemGet(id)!.suspendAfter?.getTime() ?? null;

describe('the idle deadline', () => {
  it('starts at DEPLOYED and is moved by proxied traffic, written at most every few seconds', async () => {
    const clock = manualClock();
    const runner = new FakeRunner();
    const manager = new InstanceManager(runner, clock.now);
    const { id } = newInstance('30s');
    await manager.launch(id);
    expect(systemGet(id)!.status).toBe('DEPLOYED');
    const t0 = clock.now();
    expect(suspendAfterOf(id)).toBe(t0 + 30_000);

    clock.advance(10_000);
    manager.activity(id);
    expect(suspendAfterOf(id)).toBe(t0 + 40_000);
    // Within the write interval (a quarter of the timeout, at most 5 s) the row is not rewritten.
    clock.advance(2_000);
    manager.activity(id);
    expect(suspendAfterOf(id)).toBe(t0 + 40_000);
    clock.advance(4_000);
    manager.activity(id);
    expect(suspendAfterOf(id)).toBe(t0 + 46_000);
  });

  it('never applies to an app with InstanceTimeout = "-1"', async () => {
    const clock = manualClock();
    const manager = new InstanceManager(new FakeRunner(), clock.now);
    const { id } = newInstance('-1');
    await manager.launch(id);
    expect(suspendAfterOf(id)).toBeNull();
    clock.advance(365 * 24 * 3600_000);
    await manager.sweepIdle();
    expect(systemGet(id)!.status).toBe('DEPLOYED');
  });
});

describe('the idle sweep', () => {
  it('suspends a DEPLOYED instance once its deadline has passed, not before, recording "idle" in the audit log', async () => {
    const clock = manualClock();
    const runner = new FakeRunner();
    const manager = new InstanceManager(runner, clock.now);
    const { id } = newInstance('30s');
    const busy = newInstance('30s');
    await manager.launch(id);
    await manager.launch(busy.id);

    clock.advance(25_000);
    manager.activity(busy.id); // traffic keeps this one running
    clock.advance(4_999);
    await manager.sweepIdle();
    expect(systemGet(id)!.status).toBe('DEPLOYED');

    clock.advance(1);
    await manager.sweepIdle();
    expect(systemGet(id)).toMatchObject({ status: 'SUSPENDED', suspendAfter: null });
    expect(systemGet(busy.id)!.status).toBe('DEPLOYED');
    expect(runner.stopped).toEqual([id]);
    const audit = getDb()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, id), eq(auditLog.action, 'instance.suspend')))
      .all();
    expect(audit).toHaveLength(1);
    expect(audit[0].actorId).toBeNull();
    expect(audit[0].details).toMatchObject({ reason: 'idle' });
  });

  it('leaves instances whose auto-suspend an admin switched off', async () => {
    const clock = manualClock();
    const manager = new InstanceManager(new FakeRunner(), clock.now);
    const record = newInstance('30s');
    await manager.launch(record.id);
    getDb().$client.prepare('UPDATE instances SET auto_suspend = 0 WHERE id = ?').run(record.id);
    manager.autoSuspendChanged(systemGet(record.id)!);
    clock.advance(60_000);
    await manager.sweepIdle();
    expect(systemGet(record.id)!.status).toBe('DEPLOYED');
  });
});

describe('a crash', () => {
  it('ends in FAILED with the exit code in the reason', async () => {
    const runner = new FakeRunner();
    const manager = new InstanceManager(runner, manualClock().now);
    const { id } = newInstance();
    await manager.launch(id);
    runner.hooks.get(id)!.onExit!({ instanceId: id, exitCode: 3, signal: null, lastLines: ['boom'] });
    expect(systemGet(id)).toMatchObject({ status: 'FAILED', suspendAfter: null });
    expect(systemGet(id)!.reason).toMatch(/exited with code 3/);
  });
});

describe('recovery after a portal restart', () => {
  it('starts every DEPLOYED and PENDING instance again with its id, and leaves SUSPENDED and FAILED ones', async () => {
    const deployed = newInstance();
    const pending = newInstance();
    const suspended = newInstance();
    const failed = newInstance();
    // The rows as a portal killed with SIGKILL left them.
    systemSetState(deployed.id, { status: 'DEPLOYED', suspendAfter: new Date(0) });
    systemSetState(pending.id, { status: 'PENDING', stage: 'INSTALLING' });
    systemSetState(suspended.id, { status: 'SUSPENDED', suspendAfter: null });
    systemSetState(failed.id, { status: 'FAILED', reason: 'crashed', suspendAfter: null });

    const clock = manualClock();
    const runner = new FakeRunner();
    const manager = new InstanceManager(runner, clock.now);
    try {
      manager.recover();
      // recover() launches in the background; launch() answers the start already under way.
      await Promise.all([manager.launch(deployed.id), manager.launch(pending.id)]);
      // (Instances left DEPLOYED by the tests above are in the same database and come back too.)
      expect(runner.started).toEqual(expect.arrayContaining([deployed.id, pending.id]));
      expect(runner.started).not.toContain(suspended.id);
      expect(runner.started).not.toContain(failed.id);
      for (const id of [deployed.id, pending.id]) {
        expect(systemGet(id)).toMatchObject({ status: 'DEPLOYED' });
        // A fresh deadline, not the stale one from before the restart (which would suspend it at once).
        expect(suspendAfterOf(id)).toBe(clock.now() + 30_000);
      }
      expect(systemGet(suspended.id)!.status).toBe('SUSPENDED');
      expect(systemGet(failed.id)!.status).toBe('FAILED');
    } finally {
      await manager.shutdown();
    }
  });
});

describe('what the runner prepared for an app version', () => {
  it('is forgotten when the last instance of a deleted version is terminated, not before, and never for a version that exists', async () => {
    const { deleteAppVersion } = await import('@/lib/apps/settings');
    const runner = new FakeRunner();
    const manager = new InstanceManager(runner, manualClock().now);
    const owner = insertUser();
    const appId = insertAppRow({ ownerId: owner.id, visibility: 'ALL_USERS', bundleSha256: 'b'.repeat(64) });
    const first = createInstance(viewerOf(owner), { appId }, settings);
    const second = createInstance(viewerOf(owner), { appId }, settings);

    await manager.terminate(first.id, owner.id); // the version exists: its files stay
    expect(runner.forgotten).toEqual([]);
    deleteAppVersion(viewerOf(owner), appId, { force: true }); // the second instance keeps running on it
    await manager.releaseAppVersion(appId);
    expect(runner.forgotten).toEqual([]);
    await manager.terminate(second.id, owner.id);
    expect(runner.forgotten).toEqual([appId]);
  });
});
