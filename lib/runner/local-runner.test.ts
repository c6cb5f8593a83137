// The local runner with real processes: bubblewrap, slirp4netns, python3 -m venv, pip. Nothing is mocked.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalRunner } from './local-runner';
import { FAILING_APP, greetingWheel, PROBE_APP, WAVE_APP, waveTestDoubleWheel } from './testing/apps';
import { writeBundle } from './testing/build';
import { RunnerError, type ExitEvent, type InstanceSpec, type StageEvent, type UpstreamEndpoint } from './types';

let root: string;
let runner: LocalRunner;
let probeBundle: string;
let counter = 0;

function spec(overrides: Partial<InstanceSpec> & { runtime?: Partial<InstanceSpec['runtime']> } = {}): InstanceSpec {
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
    expect(log).toContain('DB_PASSWORD (secret)');
    expect(log).not.toContain('s3cret-value');
    expect(log).not.toContain('file-secret');
    await runner.stop(s.instanceId);
    expect(runner.endpoint(s.instanceId)).toBeNull();
  }, 180_000);
});
