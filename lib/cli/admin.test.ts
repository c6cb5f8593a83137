import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from './main';
import { memoryIo, startStub, type RecordedRequest, type StubServer } from './test-helpers';

const INSTANCE = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const alias = (over: Record<string, unknown> = {}) => ({
  name: 'churn',
  instanceId: INSTANCE,
  primary: true,
  active: true,
  instanceStatus: 'DEPLOYED',
  app: { id: 'a1', name: 'churn-app', version: '1.2.0', title: 'Churn' },
  url: 'http://churn.apps.test/',
  ...over,
});

let server: StubServer;
let dir: string;
let reply: (req: RecordedRequest) => { status: number; body?: unknown };

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'appstore-admin-'));
  reply = (req) => (req.method === 'DELETE' ? { status: 204 } : { status: 200, body: req.url === '/api/v1/aliases' && req.method === 'GET' ? [alias(), alias({ name: 'old', instanceId: null, primary: false, active: false })] : alias() });
  server = await startStub((req) => reply(req));
});
afterEach(async () => {
  server.close();
  await rm(dir, { recursive: true, force: true });
});

const run = async (...args: string[]) => {
  const io = memoryIo({ cwd: dir, env: { APPSTORE_CONFIG: path.join(dir, 'none.json'), APPSTORE_TOKEN: 'tok' } });
  const code = await main([...args, '--url', server.url], io);
  return { code, out: io.out(), err: io.err() };
};
const sent = () => server.requests.map((r) => `${r.method} ${r.url} ${r.body.length ? r.body.toString() : ''}`.trim());

describe('appstore admin alias', () => {
  it('create, assign, promote, unassign and delete send the platform’s operations', async () => {
    expect((await run('admin', 'alias', 'create', 'churn', INSTANCE, 'True')).code).toBe(0);
    await run('admin', 'alias', 'assign', 'churn', INSTANCE);
    await run('admin', 'alias', 'assign', 'churn', INSTANCE, 'false');
    await run('admin', 'alias', 'promote', 'churn');
    await run('admin', 'alias', 'unassign', 'churn');
    const deleted = await run('admin', 'alias', 'delete', 'churn');
    expect(deleted.out).toBe('Deleted alias churn\n');
    expect(sent()).toEqual([
      `POST /api/v1/aliases {"name":"churn","instanceId":"${INSTANCE}","primary":true}`,
      `PATCH /api/v1/aliases/churn {"instanceId":"${INSTANCE}"}`,
      `PATCH /api/v1/aliases/churn {"instanceId":"${INSTANCE}","primary":false}`,
      'PATCH /api/v1/aliases/churn {"primary":true}',
      'PATCH /api/v1/aliases/churn {"instanceId":null}',
      'DELETE /api/v1/aliases/churn',
    ]);
  });

  it('list prints a table and get the fields', async () => {
    const list = await run('admin', 'alias', 'list');
    expect(list.out.split('\n')[0]).toMatch(/^NAME +INSTANCE ID +PRIMARY +ACTIVE$/);
    expect(list.out).toMatch(/^old +false +false$/m);
    const get = await run('admin', 'alias', 'get', 'churn');
    expect(get.out).toContain('Name         churn\nInstance ID  aaaaaaaa');
    expect(get.out).toMatch(/^URL +http:\/\/churn\.apps\.test\/$/m);
  });

  it('refuses a bad primary flag or missing arguments with usage, sending nothing', async () => {
    expect((await run('admin', 'alias', 'create', 'churn', INSTANCE, 'maybe')).code).toBe(2);
    expect((await run('admin', 'alias', 'create', 'churn')).code).toBe(2);
    expect((await run('admin', 'alias', 'rename', 'a', 'b')).code).toBe(2);
    // One argument too many is a usage error too, not silently ignored.
    for (const verb of ['get', 'promote', 'unassign', 'delete']) {
      const extra = await run('admin', 'alias', verb, 'churn', 'extra');
      expect(extra.code, verb).toBe(2);
      expect(extra.err, verb).toContain(`usage: appstore admin alias ${verb} <name>`);
    }
    expect((await run('admin', 'alias', 'create', 'churn', INSTANCE, 'True', 'extra')).code).toBe(2);
    expect((await run('admin', 'alias', 'list', 'extra')).code).toBe(2);
    expect((await run('admin', 'instance', 'terminate', INSTANCE, 'extra')).code).toBe(2);
    expect((await run('admin', 'alias', 'list', '--status', 'DEPLOYED')).code).toBe(2);
    expect(server.requests).toHaveLength(0);
  });

  it('shows the portal’s refusal', async () => {
    reply = () => ({ status: 403, body: { error: { code: 'FORBIDDEN', message: 'Only administrators manage aliases.' } } });
    const { code, err } = await run('admin', 'alias', 'list');
    expect(code).toBe(1);
    expect(err).toContain('Only administrators manage aliases.');
  });
});

describe('appstore admin instance', () => {
  it('disable-autosuspend and enable-autosuspend patch the instance; list asks for every instance', async () => {
    reply = (req) => ({
      status: 200,
      body: req.method === 'GET' ? [] : { id: INSTANCE, app: { id: 'a', name: 'x', version: '1.0.0', title: 'X' }, owner: { id: 'u', name: 'U' }, status: 'DEPLOYED', stage: null, visibility: 'PRIVATE', url: 'u', createdAt: 'c', updatedAt: 'u', suspendAfter: null, suspendable: false, reason: null },
    });
    await run('admin', 'instance', 'disable-autosuspend', INSTANCE);
    await run('admin', 'instance', 'enable-autosuspend', INSTANCE);
    await run('admin', 'instance', 'list');
    await run('admin', 'instance', 'suspend', INSTANCE);
    await run('admin', 'instance', 'resume', INSTANCE);
    expect(sent()).toEqual([
      `PATCH /api/v1/instances/${INSTANCE} {"autoSuspend":false}`,
      `PATCH /api/v1/instances/${INSTANCE} {"autoSuspend":true}`,
      'GET /api/v1/instances?all=1',
      `POST /api/v1/instances/${INSTANCE}/suspend`,
      `POST /api/v1/instances/${INSTANCE}/resume`,
    ]);
  });
});

describe('appstore admin instance list and terminate', () => {
  const listed = (over: Record<string, unknown>) => ({
    id: INSTANCE,
    app: { id: 'a', name: 'churn-app', version: '1.2.0', title: 'Churn' },
    owner: { id: 'u', name: 'Ada' },
    status: 'DEPLOYED',
    stage: null,
    visibility: 'ALL_USERS',
    url: 'u',
    createdAt: '2026-11-30T04:00:00.000Z',
    updatedAt: 'u',
    suspendAfter: null,
    suspendable: true,
    reason: null,
    ...over,
  });

  it('list sends the filters and prints memory and CPU where the runner reports them', async () => {
    reply = () => ({
      status: 200,
      body: [listed({ usage: { memoryBytes: 52 * 1024 * 1024, cpuSeconds: 1.42 } }), listed({ id: 'other', status: 'SUSPENDED', usage: null })],
    });
    const { code, out } = await run('admin', 'instance', 'list', '--app', 'churn app', '--owner', 'ada@example.com', '--status', 'deployed');
    expect(code).toBe(0);
    expect(sent()).toEqual(['GET /api/v1/instances?all=1&app=churn+app&owner=ada%40example.com&status=DEPLOYED']);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^ID +APP +VERSION +OWNER +STATUS +VISIBILITY +MEMORY +CPU +CREATED AT$/);
    expect(lines[1]).toMatch(new RegExp(`^${INSTANCE} +churn-app +1\\.2\\.0 +Ada +DEPLOYED +ALL_USERS +52 MiB +1\\.4 s +2026-11-30T04:00:00\\.000Z$`));
    expect(lines[2]).toMatch(/^other +churn-app +1\.2\.0 +Ada +SUSPENDED +ALL_USERS +2026-11-30T04:00:00\.000Z$/);
  });

  it('list refuses an unknown status, sending nothing', async () => {
    const { code, err } = await run('admin', 'instance', 'list', '--status', 'RUNNING');
    expect(code).toBe(2);
    expect(err).toContain('--status is one of PENDING, DEPLOYED, SUSPENDED, FAILED');
    expect(server.requests).toHaveLength(0);
  });

  it('terminate deletes the instance and says so', async () => {
    const { code, out } = await run('admin', 'instance', 'terminate', INSTANCE);
    expect(code).toBe(0);
    expect(out).toBe(`Terminated ${INSTANCE}\n`);
    expect(sent()).toEqual([`DELETE /api/v1/instances/${INSTANCE}`]);
  });

  it('terminate shows the portal’s refusal', async () => {
    reply = () => ({ status: 404, body: { error: { code: 'NOT_FOUND', message: 'No such instance.' } } });
    const { code, err } = await run('admin', 'instance', 'terminate', INSTANCE);
    expect(code).toBe(1);
    expect(err).toContain('No such instance.');
  });
});

describe('appstore admin fsck', () => {
  it('prints each finding and exits 1 when something is wrong; --repair asks the portal to remove orphans', async () => {
    reply = () => ({
      status: 200,
      body: {
        database: [],
        corrupted: [{ file: 'bundles/ab/abc', sha256: 'def' }],
        missing: [{ file: 'assets/cd/cde', apps: ['churn 1.0.0'] }],
        orphans: ['bundles/ff/fff'],
        removed: ['bundles/ff/fff'],
        broken: [{ id: 'a1', name: 'churn', version: '1.0.0' }],
        ok: false,
      },
    });
    const { code, out } = await run('admin', 'fsck', '--repair');
    expect(code).toBe(1);
    expect(sent()).toEqual(['POST /api/v1/admin/fsck {"repair":true}']);
    expect(out).toBe(
      [
        'Database: ok',
        'CORRUPTED  bundles/ab/abc (its bytes hash to def)',
        'MISSING    assets/cd/cde (needed by churn 1.0.0)',
        'REMOVED    bundles/ff/fff',
        '1 corrupted, 1 missing, 0 orphan file(s).',
        'BROKEN     churn 1.0.0 (a1): marked broken until a check finds its files again',
        '',
      ].join('\n'),
    );
  });
});
