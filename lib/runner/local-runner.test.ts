// The local runner with real processes: bubblewrap, slirp4netns, python3 -m venv, pip. Nothing is mocked.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectCgroups } from './cgroups';
import { LocalRunner } from './local-runner';
import { freePort } from './slirp';
import { FAILING_APP, greetingWheel, PROBE_APP, WAVE_APP, waveTestDoubleWheel } from './testing/apps';
import { writeBundle } from './testing/build';
import { RunnerError, type ExitEvent, type InstanceSpec, type StageEvent, type UpstreamEndpoint } from './types';

let root: string;
let runner: LocalRunner;
let probeBundle: string;
let counter = 0;

function spec(overrides: Omit<Partial<InstanceSpec>, 'runtime'> & { runtime?: Partial<InstanceSpec['runtime']> } = {}): InstanceSpec {
  counter += 1;
  const instanceId = overrides.instanceId ?? `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
  return {
    instanceId,
    appVersionId: 'probe-app-v1',
    appName: 'probe-app',
    appVersion: '1.0.0',
    bundlePath: probeBundle,
    baseUrl: '/',
    pythonVersion: '3.10',
    env: [],
    files: [],
    portalUrl: 'http://portal.example:3000',
    ...overrides,
    runtime: {
      module: 'probe',
      appMode: 'python',
      port: null,
      memoryLimit: null,
      cpuLimit: null,
      gpuCount: 0,
      volumeMount: null,
      routingMode: 'DOMAIN',
      customImage: null,
      ...overrides.runtime,
    },
  };
}

function get(endpoint: UpstreamEndpoint, pathAndQuery: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: endpoint.host, port: endpoint.port, path: pathAndQuery, agent: false }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      })
      .on('error', reject);
  });
}
async function getJson(endpoint: UpstreamEndpoint, pathAndQuery: string) {
  const { body } = await get(endpoint, pathAndQuery);
  return JSON.parse(body);
}

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'runner-test-'));
  chmodSync(root, 0o711); // the sandbox users must traverse it, as they do a default DATA_DIR (0755)
  const wheel = await greetingWheel();
  probeBundle = await writeBundle(path.join(root, 'probe.wave'), {
    'app.toml': '[App]\nName = "probe-app"\nVersion = "1.0.0"\n[Runtime]\nModule = "probe"\nAppMode = "python"\n',
    'probe.py': PROBE_APP,
    'requirements.txt': 'greeting-lib==1.0.0\n',
    [wheel.filename]: wheel.bytes,
    'config/defaults.txt': 'bundled default\n',
  });
  // PIP_NO_INDEX reaches pip from the operator's environment: the wheel must come from the bundle, offline.
  runner = new LocalRunner({ dir: path.join(root, 'data', 'runner'), startTimeoutMs: 120_000, operatorEnv: { PIP_NO_INDEX: '1' } });
}, 180_000);

afterAll(async () => {
  await runner?.shutdown();
  rmSync(root, { recursive: true, force: true });
});

describe('local runner', () => {
  it('reports its capabilities: sandbox available on this host, no GPU', async () => {
    const caps = await runner.capabilities();
    expect(caps.sandbox).toEqual({ enabled: true, unavailableReason: null, disabledByOperator: false });
    expect(caps.gpu.available).toBe(false);
  });

  it('starts a python-mode app with stages, its environment, a [[File]] and a wheel installed offline from the bundle', async () => {
    const stages: StageEvent[] = [];
    const s = spec({
      env: [
        { name: 'APP_PORT', value: '8080', secret: false },
        { name: 'DB_PASSWORD', value: 's3cret-value', secret: true },
      ],
      files: [
        { path: 'config/settings.txt', value: 'colour = blue\n', secret: false },
        { path: '/etc/app/token', value: 'file-secret', secret: true },
      ],
    });
    const started = await runner.start(s, { onStage: (e) => stages.push(e) });
    expect(stages.map((e) => e.stage)).toEqual(['SOURCING', 'INSTALLING', 'STARTING', 'DEPLOYED']);
    expect(runner.endpoint(s.instanceId)).toEqual(started.endpoint);

    const info = await getJson(started.endpoint, '/env');
    expect(info.greeting).toBe('hello from a bundled wheel');
    expect(info.python).toBe('/venv/bin/python');
    expect(info.cwd).toBe('/app');
    expect(info.env).toMatchObject({
      H2O_CLOUD_ENVIRONMENT: 'http://portal.example:3000',
      H2O_CLOUD_INSTANCE_ID: s.instanceId,
      H2O_CLOUD_APP_NAME: 'probe-app',
      H2O_CLOUD_APP_VERSION: '1.0.0',
      H2O_CLOUD_APP_ID: 'probe-app-v1',
      DB_PASSWORD: 's3cret-value',
    });
    // Nothing of the portal's own environment leaks in.
    expect(Object.keys(info.env).filter((k) => k.startsWith('PIP_') || k === 'VITEST')).toEqual([]);

    expect(await getJson(started.endpoint, '/read?path=config/settings.txt')).toMatchObject({ ok: true, text: 'colour = blue\n', mode: '0o444' });
    expect(await getJson(started.endpoint, '/read?path=/etc/app/token')).toMatchObject({ ok: true, text: 'file-secret', mode: '0o400' });
    // The rest of the bundle is there, read-only.
    expect(await getJson(started.endpoint, '/read?path=config/defaults.txt')).toMatchObject({ ok: true, text: 'bundled default\n' });
    expect((await getJson(started.endpoint, '/write?path=/app/probe.py&text=x')).ok).toBe(false);
    expect((await getJson(started.endpoint, '/write?path=/venv/bin/python&text=x')).ok).toBe(false);

    const log = await runner.logs(s.instanceId).read();
    expect(log).toContain('probe app starting');
    expect(log).toContain('Successfully installed greeting-lib-1.0.0'); // pip's own output
    expect(log).toContain('DB_PASSWORD (secret)');
    expect(log).not.toContain('s3cret-value');
    expect(log).not.toContain('file-secret');
    await runner.stop(s.instanceId);
    expect(runner.endpoint(s.instanceId)).toBeNull();
  }, 180_000);

  it('isolates instances: non-root host uid, no DATA_DIR, no host loopback or host address, no metadata service, no other instance; two instances on one port', async () => {
    const fakeDataDir = path.join(root, 'fake-data');
    mkdirSync(fakeDataDir, { mode: 0o755 });
    writeFileSync(path.join(fakeDataDir, 'appstore.db'), 'database bytes', { mode: 0o644 }); // world-readable on purpose
    const hostServer = http.createServer((_, res) => res.end('host loopback service'));
    await new Promise<void>((r) => hostServer.listen(0, '127.0.0.1', r));
    const hostPort = (hostServer.address() as net.AddressInfo).port;
    // A server on the host's external address: refused by default (the positive control, with
    // INSTANCE_REACH_HOST, is the next test).
    const external = Object.values(os.networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    const outside = http.createServer((_, res) => res.end('outside service'));
    await new Promise<void>((r) => outside.listen(0, '0.0.0.0', r));
    const outsidePort = (outside.address() as net.AddressInfo).port;

    const a = spec({ runtime: { port: 8080, volumeMount: '/data' } });
    const b = spec({ runtime: { port: 8080 } });
    try {
      const [ra, rb] = await Promise.all([runner.start(a), runner.start(b)]);
      expect(ra.endpoint.port).not.toBe(rb.endpoint.port);
      expect((await getJson(ra.endpoint, '/')).hello).toBe(a.instanceId);
      expect((await getJson(rb.endpoint, '/')).hello).toBe(b.instanceId);

      // Not root, and really an unprivileged host uid: a file it writes is owned by that uid on the host.
      const info = await getJson(ra.endpoint, '/env');
      expect(info.uid).not.toBe(0);
      expect((await getJson(ra.endpoint, '/write?path=/data/owner.txt&text=x')).ok).toBe(true);
      const owner = statSync(path.join(root, 'data', 'runner', 'volumes', a.instanceId, 'owner.txt')).uid;
      // Its own uid when the portal runs as root (it may switch users), else the portal's own non-root uid.
      expect(owner).toBe(runner.instanceUid(a.instanceId) ?? process.getuid!());
      expect(owner).not.toBe(0);
      expect(owner).toBe(info.uid);

      // No nested user namespaces (they would give it root-like powers over new namespaces).
      // bwrap --disable-userns caps them at zero: "No space left on device", not a permission error.
      expect(await getJson(ra.endpoint, '/unshare')).toMatchObject({ ok: false, error: expect.stringContaining('No space left on device') });

      // DATA_DIR (and the runner's own state) do not exist inside.
      const db = await getJson(ra.endpoint, `/read?path=${encodeURIComponent(path.join(fakeDataDir, 'appstore.db'))}`);
      expect(db.ok).toBe(false);
      expect(db.error).toMatch(/FileNotFoundError/);
      expect((await getJson(ra.endpoint, `/read?path=${encodeURIComponent(path.join(root, 'data', 'runner', 'volumes', b.instanceId))}`)).ok).toBe(false);

      // Neither the host's loopback (directly or through slirp's gateway) nor the other instance's forwarded port.
      for (const host of ['127.0.0.1', '10.0.2.2']) {
        expect((await getJson(ra.endpoint, `/connect?host=${host}&port=${hostPort}`)).ok).toBe(false);
        expect((await getJson(ra.endpoint, `/connect?host=${host}&port=${rb.endpoint.port}`)).ok).toBe(false);
      }
      // The host's own address and link-local (cloud metadata) fail at once with EACCES: the sandbox's
      // prohibit routes, not a timeout of an address that happens not to answer.
      for (const host of [external, '169.254.169.254'].filter(Boolean)) {
        const reach = await getJson(ra.endpoint, `/connect?host=${host}&port=${outsidePort}`);
        expect(reach, host).toMatchObject({ ok: false, error: expect.stringContaining('PermissionError') });
      }
    } finally {
      hostServer.close();
      outside.close();
      await Promise.all([runner.stop(a.instanceId), runner.stop(b.instanceId)]);
    }
  }, 120_000);

  it('with INSTANCE_REACH_HOST, an instance with egress reaches a server on the host\'s external address', async () => {
    const external = Object.values(os.networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    if (!external) return void console.warn('no external IPv4 address on this host: the egress positive control cannot run');
    const outside = http.createServer((_, res) => res.end('outside service'));
    await new Promise<void>((r) => outside.listen(0, '0.0.0.0', r));
    const outsidePort = (outside.address() as net.AddressInfo).port;
    const open = new LocalRunner({ dir: path.join(root, 'data', 'runner'), startTimeoutMs: 120_000, operatorEnv: { PIP_NO_INDEX: '1' }, reachHost: true });
    const s = spec({});
    try {
      const started = await open.start(s);
      const reach = await getJson(started.endpoint, `/connect?host=${external}&port=${outsidePort}`);
      expect(reach).toMatchObject({ ok: true });
      expect(reach.answer).toContain('outside service');
      // Link-local stays refused even then.
      expect(await getJson(started.endpoint, `/connect?host=169.254.169.254&port=80`)).toMatchObject({ ok: false, error: expect.stringContaining('PermissionError') });
    } finally {
      outside.close();
      await open.shutdown();
    }
  }, 120_000);

  it('with INSTANCE_EGRESS off, an instance reaches nothing outside (no DNS either) and still answers through its forwarded port', async () => {
    const external = Object.values(os.networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    const outside = http.createServer((_, res) => res.end('outside service'));
    await new Promise<void>((r) => outside.listen(0, '0.0.0.0', r));
    const outsidePort = (outside.address() as net.AddressInfo).port;
    const closed = new LocalRunner({ dir: path.join(root, 'data', 'runner'), startTimeoutMs: 120_000, operatorEnv: { PIP_NO_INDEX: '1' }, egress: false });
    const s = spec({});
    try {
      expect((await closed.capabilities()).egress).toBe(false);
      const started = await closed.start(s);
      expect((await getJson(started.endpoint, '/')).hello).toBe(s.instanceId);
      // The same request from an instance with egress reaches the service (the positive control is in the isolation test).
      for (const host of [external, '10.0.2.2', '10.0.2.3'].filter(Boolean)) {
        expect((await getJson(started.endpoint, `/connect?host=${host}&port=${outsidePort}`)).ok, host).toBe(false);
      }
    } finally {
      outside.close();
      await closed.shutdown();
    }
  }, 120_000);

  it('reports what a running instance uses (memory in use, CPU seconds) from its cgroups, without limits set', async () => {
    const s = spec({});
    try {
      const started = await runner.start(s);
      await getJson(started.endpoint, '/env');
      const usage = runner.usage(s.instanceId);
      expect(usage).not.toBeNull();
      // This host lets the portal create v1 cgroups (as root): both figures are read.
      expect(usage!.memoryBytes).toBeGreaterThan(1024 * 1024);
      expect(usage!.cpuSeconds).toBeGreaterThan(0);
    } finally {
      await runner.stop(s.instanceId);
    }
    expect(runner.usage(s.instanceId)).toBeNull();
  }, 120_000);

  it('keeps the VolumeMount across stop and start, and deletes it on terminate', async () => {
    const s = spec({ runtime: { volumeMount: '/data' } });
    let r = await runner.start(s);
    expect((await getJson(r.endpoint, '/write?path=/data/notes.txt&text=kept')).ok).toBe(true);
    expect((await getJson(r.endpoint, '/write?path=/tmp/scratch.txt&text=lost')).ok).toBe(true);
    await runner.stop(s.instanceId);
    r = await runner.start(s);
    expect(await getJson(r.endpoint, '/read?path=/data/notes.txt')).toMatchObject({ ok: true, text: 'kept' });
    expect((await getJson(r.endpoint, '/read?path=/tmp/scratch.txt')).ok).toBe(false);
    await runner.terminate(s.instanceId);
    expect(() => statSync(path.join(root, 'data', 'runner', 'volumes', s.instanceId))).toThrow();
    expect(await runner.logs(s.instanceId).read()).toBe('');
  }, 120_000);

  it('reports a crash with its exit code and last log lines', async () => {
    const s = spec();
    let onExit!: (e: ExitEvent) => void;
    const crashed = new Promise<ExitEvent>((resolve) => (onExit = resolve));
    const again = await runner.start(s, { onExit });
    await get(again.endpoint, '/crash?code=3').catch(() => {});
    const event = await crashed;
    expect(event.exitCode).toBe(3);
    expect(event.lastLines.join('\n')).toContain('crashing on request');
    expect(runner.endpoint(s.instanceId)).toBeNull();
  }, 120_000);

  it('fails a start whose app exits before answering, with its output', async () => {
    const bundle = await writeBundle(path.join(root, 'failing.wave'), { 'app.toml': '', 'failing.py': FAILING_APP });
    const stages: StageEvent[] = [];
    const s = spec({ appVersionId: 'failing-v1', bundlePath: bundle, runtime: { module: 'failing' } });
    const error = await runner.start(s, { onStage: (e) => stages.push(e) }).catch((e) => e);
    expect(error).toBeInstanceOf(RunnerError);
    expect(error.code).toBe('START_FAILED');
    expect(error.message).toContain('exit code 4');
    expect(error.lastLines.join('\n')).toContain('boom: DATABASE_URL is not configured');
    expect(stages.at(-1)).toMatchObject({ stage: 'FAILED', reason: error.message });
    expect(runner.endpoint(s.instanceId)).toBeNull();
  }, 120_000);

  it('runs a Wave app with its own Wave server from a TEST DOUBLE of h2o-wave (the real package cannot be installed here)', async () => {
    const wave = await waveTestDoubleWheel();
    const bundle = await writeBundle(path.join(root, 'wave-app.wave'), {
      'app.toml': '',
      'app.py': WAVE_APP,
      'requirements.txt': 'h2o-wave-test-double==0.0.1\n',
      [wave.filename]: wave.bytes,
    });
    const id = '11111111-0000-4000-8000-000000000001';
    const s = spec({ instanceId: id, appVersionId: 'wave-app-v1', bundlePath: bundle, baseUrl: `/instance/${id}/`, runtime: { module: 'app', appMode: 'wave', routingMode: 'BASE_URL' } });
    const r = await runner.start(s).catch((e) => {
      console.log(e.lastLines.join('\n'));
      throw e;
    });
    const page = await get(r.endpoint, `/instance/${id}/page`);
    expect(page.status).toBe(200);
    // waved answered on H2O_WAVE_LISTEN, under H2O_WAVE_BASE_URL, from the app registered at H2O_WAVE_APP_ADDRESS.
    expect(page.body).toBe(`waved double (:10101) -> wave app ${id} at /instance/${id}/page (cwd /app)`);
    expect((await get(r.endpoint, '/elsewhere')).status).toBe(404);
    const log = await runner.logs(id).read();
    expect(log).toContain('waved double listening on :10101 in /venv');
    expect(log).toContain('app registered at http://10.0.2.100:8000');
    await runner.stop(id);
  }, 180_000);

  it('prepares an app version once for simultaneous starts, and stopping the first does not fail the other', async () => {
    const wheel = await greetingWheel();
    const bundle = await writeBundle(path.join(root, 'shared.wave'), {
      'app.toml': '',
      'probe.py': PROBE_APP,
      'requirements.txt': 'greeting-lib==1.0.0  # shared\n',
      [wheel.filename]: wheel.bytes,
    });
    const venvs = () => (existsSync(path.join(root, 'data', 'runner', 'venvs')) ? readdirSync(path.join(root, 'data', 'runner', 'venvs')).filter((n) => !n.includes('.tmp-')) : []);
    const before = venvs().length;
    const first = spec({ appVersionId: 'shared-v1', bundlePath: bundle });
    const second = spec({ appVersionId: 'shared-v1', bundlePath: bundle });
    const firstStart = runner.start(first).catch((e) => e);
    await expect.poll(() => runner.logs(first.instanceId).read(), { timeout: 30_000, interval: 50 }).toContain('Installing requirements.txt');
    const secondStart = runner.start(second);
    await expect.poll(() => runner.logs(second.instanceId).read(), { timeout: 30_000, interval: 50 }).toContain('being built for another instance');
    await runner.stop(first.instanceId);
    expect(await firstStart).toMatchObject({ code: 'STOPPED' });
    const r = await secondStart;
    expect((await getJson(r.endpoint, '/env')).greeting).toBe('hello from a bundled wheel');
    expect(venvs().length).toBe(before + 1);
    await runner.stop(second.instanceId);
  }, 180_000);

  it('fails a start whose dependencies cannot be installed, with pip\'s output, and keeps no half-built environment', async () => {
    const bundle = await writeBundle(path.join(root, 'bad-reqs.wave'), { 'app.toml': '', 'probe.py': PROBE_APP, 'requirements.txt': 'definitely-not-on-any-index==9.9\n' });
    const stages: StageEvent[] = [];
    const error = await runner.start(spec({ appVersionId: 'bad-reqs-v1', bundlePath: bundle }), { onStage: (e) => stages.push(e) }).catch((e) => e);
    expect(error).toMatchObject({ code: 'PREPARE_FAILED' });
    expect(error.lastLines.join('\n')).toMatch(/No matching distribution found for definitely-not-on-any-index/);
    expect(stages.map((e) => e.stage)).toEqual(['SOURCING', 'INSTALLING', 'FAILED']);
    expect(readdirSync(path.join(root, 'data', 'runner', 'venvs')).filter((n) => n.includes('.tmp-'))).toEqual([]);
  }, 120_000);

  it('fails a Wave app whose environment has no Wave server, naming the reason', async () => {
    const bundle = await writeBundle(path.join(root, 'no-wave.wave'), { 'app.toml': '', 'app.py': WAVE_APP });
    const error = await runner.start(spec({ appVersionId: 'no-wave-v1', bundlePath: bundle, runtime: { module: 'app', appMode: 'wave' } })).catch((e) => e);
    expect(error).toMatchObject({ code: 'NOT_RUNNABLE' });
    expect(error.message).toMatch(/No Wave server found.*h2o-wave/);
  }, 120_000);

  it('refuses container apps, GPUs this host lacks, missing OS packages and reserved paths, with the reason', async () => {
    const stages: StageEvent[] = [];
    const container = await runner.start(spec({ runtime: { appMode: 'container', module: null, customImage: 'example/app:1' } }), { onStage: (e) => stages.push(e) }).catch((e) => e);
    expect(container.message).toMatch(/needs the Kubernetes runner/);
    expect(stages).toMatchObject([{ stage: 'FAILED', reason: container.message }]);
    expect((await runner.start(spec({ runtime: { gpuCount: 1 } })).catch((e) => e)).message).toMatch(/asks for 1 GPU .* this host has none/);
    expect((await runner.start(spec({ files: [{ path: '/usr/lib/x.conf', value: 'x', secret: false }] })).catch((e) => e)).message).toMatch(/inside \/usr/);

    const bundle = await writeBundle(path.join(root, 'packages.wave'), { 'app.toml': '', 'probe.py': PROBE_APP, 'packages.txt': '# OS packages\ncoreutils\nno-such-package-xyz\nlibc6=2.36\nanother-missing-pkg\n' });
    const missing = await runner.start(spec({ appVersionId: 'packages-v1', bundlePath: bundle })).catch((e) => e);
    expect(missing).toMatchObject({ code: 'NOT_RUNNABLE' });
    expect(missing.message).toContain('no-such-package-xyz, another-missing-pkg');
    expect(missing.message).not.toContain('coreutils');
  }, 120_000);

  it('refuses every start when the sandbox is unavailable, and says why', async () => {
    const broken = new LocalRunner({ dir: path.join(root, 'data', 'broken-runner'), operatorEnv: {} });
    Object.assign(broken, { probe: Promise.resolve('/usr/bin/bwrap is missing: install the bubblewrap package') });
    const caps = await broken.capabilities();
    expect(caps.sandbox).toMatchObject({ enabled: false, unavailableReason: expect.stringContaining('bubblewrap') });
    const error = await broken.start(spec()).catch((e) => e);
    expect(error).toMatchObject({ code: 'SANDBOX_UNAVAILABLE' });
    expect(error.message).toContain('bubblewrap');
  });

  it('fails a start that does not answer in time, and a stop during start ends it', async () => {
    await runner.start(spec()).then((r) => runner.stop(r.instanceId)); // the environment is prepared: the timeout is the app's
    const slow = new LocalRunner({ dir: path.join(root, 'data', 'runner'), startTimeoutMs: 3000, operatorEnv: { PIP_NO_INDEX: '1' } });
    // Listens on 9999 while the runner waits on the declared port 8080.
    const error = await slow.start(spec({ env: [{ name: 'APP_PORT', value: '9999', secret: false }] })).catch((e) => e);
    expect(error).toMatchObject({ code: 'START_TIMEOUT' });
    expect(error.lastLines.join('\n')).toContain('probe app starting');

    const s = spec({ env: [{ name: 'APP_PORT', value: '9999', secret: false }] });
    const starting = runner.start(s).catch((e) => e);
    await new Promise<void>((resolve) => {
      const check = setInterval(async () => {
        if ((await runner.logs(s.instanceId).read()).includes('probe app starting')) {
          clearInterval(check);
          resolve();
        }
      }, 100);
    });
    await runner.stop(s.instanceId);
    expect(await starting).toMatchObject({ code: 'STOPPED' });
  }, 120_000);

  it('enforces MemoryLimit and CPULimit with cgroups where the host allows it', async () => {
    const caps = await runner.capabilities();
    const limited = spec({ runtime: { memoryLimit: '64Mi', cpuLimit: '500m' } });
    const free = spec();
    let onExit!: (e: ExitEvent) => void;
    const killed = new Promise<ExitEvent>((resolve) => (onExit = resolve));
    const [r, control] = await Promise.all([runner.start(limited, { onExit }), runner.start(free)]);
    try {
      expect(r.enforced).toEqual({ memory: caps.resources.memory, cpu: caps.resources.cpu });
      // The control instance may use 128 MiB; the limited one is killed trying.
      expect(await getJson(control.endpoint, '/alloc?mb=128')).toMatchObject({ ok: true });
      if (caps.resources.cpu) {
        const cg = detectCgroups();
        const quota = path.join(cg.bases.cpu!, 'appstore-instances', limited.instanceId, cg.version === 'v1' ? 'cpu.cfs_quota_us' : 'cpu.max');
        expect(readFileSync(quota, 'utf8').trim()).toMatch(/^50000\b/);
      }
      if (!caps.resources.memory) return;
      await get(r.endpoint, '/alloc?mb=128').catch(() => {});
      const event = await killed;
      expect(event.exitCode === 137 || event.signal === 'SIGKILL').toBe(true);
    } finally {
      await Promise.all([runner.stop(limited.instanceId), runner.stop(free.instanceId)]);
    }
  }, 120_000);

  it('with RUNNER_SANDBOX=off (explicitly), runs apps as plain processes without isolation and says so', async () => {
    const off = new LocalRunner({ dir: path.join(root, 'data', 'runner'), sandbox: 'off', startTimeoutMs: 120_000, operatorEnv: { PIP_NO_INDEX: '1' } });
    expect((await off.capabilities()).sandbox).toEqual({ enabled: false, unavailableReason: null, disabledByOperator: true });
    const port = await freePort();
    const s = spec({
      runtime: { port },
      env: [{ name: 'APP_PORT', value: String(port), secret: false }],
      files: [{ path: 'config/token', value: 'off-secret', secret: true }],
    });
    const r = await off.start(s);
    try {
      expect(r.endpoint).toEqual({ host: '127.0.0.1', port });
      const info = await getJson(r.endpoint, '/env');
      expect(info.greeting).toBe('hello from a bundled wheel');
      expect(info.uid).toBe(off.instanceUid(s.instanceId) ?? process.getuid!());
      expect(await getJson(r.endpoint, '/read?path=config/token')).toMatchObject({ ok: true, text: 'off-secret', mode: '0o400' });
      // No isolation: the host's files are visible (the admin page warns about exactly this).
      writeFileSync(path.join(root, 'visible.txt'), 'host file', { mode: 0o644 });
      expect(await getJson(r.endpoint, `/read?path=${encodeURIComponent(path.join(root, 'visible.txt'))}`)).toMatchObject({ ok: true });
    } finally {
      await off.stop(s.instanceId);
    }
    const refused = await off.start(spec({ runtime: { volumeMount: '/data' } })).catch((e) => e);
    expect(refused.message).toMatch(/Runtime.VolumeMount \/data: absolute paths need the sandbox/);

    // Wave apps get free host ports through Wave's variables instead of the sandbox's fixed ones.
    const wave = await waveTestDoubleWheel();
    const bundle = await writeBundle(path.join(root, 'wave-off.wave'), { 'app.toml': '', 'app.py': WAVE_APP, 'requirements.txt': 'h2o-wave-test-double==0.0.1\n', [wave.filename]: wave.bytes });
    const w = spec({ appVersionId: 'wave-off-v1', bundlePath: bundle, runtime: { module: 'app', appMode: 'wave' } });
    const rw = await off.start(w);
    try {
      const page = await get(rw.endpoint, '/');
      expect(page.body).toMatch(new RegExp(`^waved double \\(127\\.0\\.0\\.1:${rw.endpoint.port}\\) -> wave app ${w.instanceId} at /`));
    } finally {
      await off.stop(w.instanceId);
    }
  }, 180_000);

  it('removes a Python environment once neither a prepared version nor a live instance uses it', async () => {
    const bundle = await writeBundle(path.join(root, 'venv-gc.wave'), {
      'app.toml': '[App]\nName = "venv-gc"\nVersion = "1.0.0"\n[Runtime]\nModule = "probe"\nAppMode = "python"\n',
      'probe.py': PROBE_APP,
      'requirements.txt': '# nothing to install: an environment of its own\n',
    });
    const s = spec({ appVersionId: 'venv-gc-v1', bundlePath: bundle });
    const venvs = path.join(runner.config.dir, 'venvs');
    const environments = () => readdirSync(venvs).filter((name) => /^(host-)?[0-9a-f]{32}$/.test(name));
    // The RUNNER_SANDBOX=off runner above recorded host- environments for versions this one prepared: settle first.
    await runner.forgetAppVersionsExcept(() => true);
    const before = environments();
    const r = await runner.start(s);
    const mine = environments().filter((name) => !before.includes(name));
    expect(mine).toHaveLength(1);
    try {
      // The version is gone (its extracted bundle and its record with it) while its instance runs: the environment stays.
      expect(await runner.forgetAppVersionsExcept((id) => id !== 'venv-gc-v1')).toEqual({ appVersions: 1, environments: 0 });
      expect(environments()).toContain(mine[0]);
      expect((await getJson(r.endpoint, '/env')).python).toBe('/venv/bin/python');
    } finally {
      await runner.stop(s.instanceId);
    }
    await runner.forgetAppVersion('venv-gc-v1');
    expect(environments().sort()).toEqual(before.sort()); // its environment went; those of the other versions stay
  }, 120_000);

  it('takes its instances down with it when the portal is killed with SIGKILL', async () => {
    const id = '22222222-0000-4000-8000-000000000001';
    // One process (node with tsx's loader), not the tsx wrapper, so SIGKILL hits the supervisor itself.
    const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('lib/runner/testing/supervisor.ts'), path.join(root, 'data', 'runner'), probeBundle, id], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve) => {
      let out = '';
      child.stdout!.on('data', (b) => {
        out += b;
        if (out.includes('\n')) resolve(out.trim());
      });
    });
    expect(line).toMatch(/^READY \d+/);
    const port = Number(line.split(' ')[1]);
    expect((await getJson({ host: '127.0.0.1', port }, '/')).hello).toBe(id);
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGKILL');
    await exited;
    // The sandbox (die-with-parent) and slirp4netns (its exit fd closes) go too: the forwarded port stops answering.
    await expect
      .poll(async () => get({ host: '127.0.0.1', port }, '/').then(() => 'answering', () => 'gone'), { timeout: 10_000, interval: 100 })
      .toBe('gone');
    const uid = line.split(' ')[2];
    if (uid) {
      await expect
        .poll(() => spawnSync('pgrep', ['-u', uid]).stdout.toString().trim(), { timeout: 10_000, interval: 100 })
        .toBe('');
    }
  }, 120_000);
});
