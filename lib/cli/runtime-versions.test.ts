import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from './main';
import { memoryIo, startStub, type StubServer } from './test-helpers';

let server: StubServer;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'appstore-rv-'));
  server = await startStub(() => ({
    status: 200,
    body: [
      { name: 'deb11_py310_wlatest', status: 'default', pythonVersion: '3.10', gpu: false, note: null },
      { name: 'ub2004_cuda114_cudnn8_py38_wlatest', status: 'available', pythonVersion: '3.8', gpu: true, note: null },
      { name: 'deb10_py37_wlatest', status: 'deprecated', pythonVersion: '3.7', gpu: false, note: 'Python 3.7 is end-of-life' },
    ],
  }));
});
afterEach(async () => {
  server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('appstore env runtime-version list', () => {
  it('prints NAME and STATUS columns like the platform CLI', async () => {
    const io = memoryIo({ cwd: dir, env: { APPSTORE_CONFIG: path.join(dir, 'none.json') } });
    expect(await main(['env', 'runtime-version', 'list', '--url', server.url], io)).toBe(0);
    expect(server.requests[0].url).toBe('/api/v1/runtime-versions');
    expect(io.out()).toBe(
      [
        'NAME                                STATUS',
        'deb11_py310_wlatest                 Default',
        'ub2004_cuda114_cudnn8_py38_wlatest',
        'deb10_py37_wlatest                  Deprecated',
        '',
      ].join('\n'),
    );
  });

  it('rejects an unknown sub-command with usage', async () => {
    const io = memoryIo({ cwd: dir });
    expect(await main(['env', 'secrets', 'list'], io)).toBe(2);
    expect(io.err()).toContain('Usage: appstore env runtime-version list');
  });
});
