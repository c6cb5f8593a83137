// The app page's run buttons say why this host cannot run a version (issue 13) instead of offering a Run
// that ends FAILED. The runner is a TEST DOUBLE reporting chosen host capabilities; no app starts.
import { afterEach, describe, expect, it } from 'vitest';
import type { Runner, RunnerCapabilities } from '@/lib/runner/types';
import { insertAppRow, insertUser, useTempDataDir, viewerOf } from '@/lib/testing/db';
import { installInstances } from './gateway';
import { clearInstalled } from './installed';
import { InstanceManager } from './manager';
import { runOptions } from './run-options';
import { BROKEN_VERSION } from './store';

useTempDataDir();

const settings = { publicMode: false, fullAccessRole: '' };

function hostWith(over: { sandbox?: Partial<RunnerCapabilities['sandbox']>; gpus?: number }) {
  const capabilities: RunnerCapabilities = {
    runner: 'local',
    sandbox: { enabled: true, unavailableReason: null, disabledByOperator: false, ...over.sandbox },
    resources: { memory: true, cpu: true, cgroupVersion: 'v1', note: null },
    gpu: { available: (over.gpus ?? 0) > 0, count: over.gpus ?? 0 },
    egress: true,
  };
  // Test double: only capabilities() is asked for by the run options.
  const runner = { capabilities: async () => capabilities } as unknown as Runner;
  installInstances(new InstanceManager(runner));
}

function version(runtime: Record<string, unknown>, over: Parameters<typeof insertAppRow>[0] | object = {}) {
  const owner = insertUser();
  const id = insertAppRow({ ownerId: owner.id, visibility: 'ALL_USERS', runtime: { appMode: 'python', gpuCount: 0, ...runtime } as never, bundleSha256: 'ab'.repeat(32), ...over });
  return { id, viewer: viewerOf(owner) };
}

afterEach(() => {
  clearInstalled();
});

describe('run options: why an app cannot run on this host', () => {
  it('offers Run when the host can run the version', async () => {
    hostWith({});
    const { id, viewer } = version({});
    const options = await runOptions(viewer, id, settings);
    expect(options).toMatchObject({ canStart: true, notRunnable: null });
  });

  it('says the app asks for more GPUs than the host has, and offers no Run', async () => {
    hostWith({ gpus: 0 });
    const { id, viewer } = version({ gpuCount: 2 });
    const options = (await runOptions(viewer, id, settings))!;
    expect(options.notRunnable).toMatch(/asks for 2 GPUs .* this host has none/);
    expect(options.canStart).toBe(false);
  });

  it('says the sandbox is unavailable, unless the operator switched it off', async () => {
    hostWith({ sandbox: { enabled: false, unavailableReason: 'bubblewrap is not installed' } });
    const { id, viewer } = version({});
    expect((await runOptions(viewer, id, settings))!.notRunnable).toMatch(/sandbox is unavailable \(bubblewrap is not installed\)/);
    hostWith({ sandbox: { enabled: false, unavailableReason: null, disabledByOperator: true } });
    expect((await runOptions(viewer, id, settings))!.notRunnable).toBeNull();
  });

  it('refuses container apps and broken versions with their reasons', async () => {
    hostWith({});
    const container = version({ appMode: 'container' }, { kind: 'container' });
    expect((await runOptions(container.viewer, container.id, settings))!.notRunnable).toMatch(/needs the Kubernetes runner/);
    const broken = version({}, { brokenReason: 'bundle missing' });
    expect((await runOptions(broken.viewer, broken.id, settings))!.notRunnable).toBe(BROKEN_VERSION);
  });
});
