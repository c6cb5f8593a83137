import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from './main';
import { memoryIo, startStub, type RecordedRequest, type StubServer } from './test-helpers';

const APP_ID = '11111111-2222-4333-8444-555555555555';
const instance = (over: Record<string, unknown> = {}) => ({
  id: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
  app: { id: APP_ID, name: 'churn', version: '1.2.0', title: 'Churn' },
  owner: { id: 'u1', name: 'Alice' },
  status: 'DEPLOYED',
  stage: null,
  visibility: 'ALL_USERS',
  url: 'http://aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee.apps.test/',
  routingMode: 'DOMAIN',
  createdAt: '2026-11-29T10:00:00.000Z',
  updatedAt: '2026-11-29T10:00:05.000Z',
  suspendAfter: '2026-11-29T11:00:05.000Z',
  suspendable: true,
  reason: null,
  ...over,
});

let server: StubServer;
let dir: string;
let reply: (req: RecordedRequest) => { status: number; body?: unknown };

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'appstore-inst-'));
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

describe('appstore app run', () => {
  it('resolves name@version to the app id, starts it with the visibility and prints the platform fields', async () => {
    reply = (req) =>
      req.method === 'GET'
        ? { status: 200, body: [{ id: 'old', name: 'churn', version: '1.10.0' }, { id: APP_ID, name: 'churn', version: '1.2.0' }, { id: 'x', name: 'churn2', version: '9.0.0' }] }
        : { status: 201, body: instance({ status: 'PENDING', stage: 'SOURCING', suspendAfter: null }) };
    const { code, out } = await run('app', 'run', 'churn@1.2.0', '-v', 'all_users');
    expect(code).toBe(0);
    expect(server.requests[0].url).toBe('/api/v1/apps?name=churn&limit=1000');
    expect(server.requests[1]).toMatchObject({ method: 'POST', url: '/api/v1/instances' });
    expect(JSON.parse(server.requests[1].body.toString())).toEqual({ appId: APP_ID, visibility: 'ALL_USERS' });
    expect(server.requests[1].headers.authorization).toBe('Bearer tok');
    expect(out).toContain('ID             aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee\nApp            churn 1.2.0\nApp ID         11111111');
    expect(out).toMatch(/^Status +PENDING$/m);
    expect(out).toMatch(/^Suspend After$/m);
  });

  it('a bare name runs the newest version by semver; --wait follows the stages until DEPLOYED', async () => {
    let polls = 0;
    reply = (req) => {
      if (req.url.startsWith('/api/v1/apps')) return { status: 200, body: [{ id: 'v1.9', name: 'churn', version: '1.9.0' }, { id: APP_ID, name: 'churn', version: '1.10.0' }] };
      if (req.method === 'POST') return { status: 201, body: instance({ status: 'PENDING', stage: 'SOURCING' }) };
      polls++;
      return { status: 200, body: polls < 2 ? instance({ status: 'PENDING', stage: 'INSTALLING' }) : instance() };
    };
    const { code, out, err } = await run('app', 'run', 'churn', '--wait');
    expect(code).toBe(0);
    expect(JSON.parse(server.requests[1].body.toString()).appId).toBe(APP_ID);
    expect(err).toBe('PENDING (INSTALLING)\nDEPLOYED\n');
    expect(out).toMatch(/^Status +DEPLOYED$/m);
  });

  it('shows the portal’s refusal and exits 1', async () => {
    reply = () => ({ status: 403, body: { error: { code: 'LIMIT_REACHED', message: 'You have 10 instances, the most you may hold (10).' } } });
    const { code, err } = await run('app', 'run', APP_ID);
    expect(code).toBe(1);
    expect(err).toContain('You have 10 instances');
  });
});

describe('appstore instance', () => {
  it('list prints a table; --all asks for every instance', async () => {
    reply = () => ({ status: 200, body: [instance()] });
    const { out } = await run('instance', 'list', '--all');
    expect(server.requests[0].url).toBe('/api/v1/instances?all=1');
    expect(out.split('\n')[0]).toMatch(/^ID +APP +VERSION +STATUS +VISIBILITY +CREATED AT$/);
    expect(out).toContain('churn  1.2.0    DEPLOYED');
  });

  it('suspend, resume, terminate and update call their endpoints', async () => {
    reply = (req) => (req.method === 'DELETE' ? { status: 204 } : { status: 200, body: instance({ status: 'SUSPENDED', suspendAfter: null }) });
    const id = instance().id;
    await run('instance', 'suspend', id);
    await run('instance', 'resume', id);
    await run('instance', 'update', id, '-v', 'PRIVATE');
    const { out } = await run('instance', 'terminate', id);
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      `POST /api/v1/instances/${id}/suspend`,
      `POST /api/v1/instances/${id}/resume`,
      `PATCH /api/v1/instances/${id}`,
      `DELETE /api/v1/instances/${id}`,
    ]);
    expect(JSON.parse(server.requests[2].body.toString())).toEqual({ visibility: 'PRIVATE' });
    expect(out).toBe(`Terminated ${id}\n`);
  });

  it('status shows the reason of a failure; logs prints the log', async () => {
    reply = (req) =>
      req.url.endsWith('/logs') ? { status: 200, body: 'line one\nline two\n' } : { status: 200, body: instance({ status: 'FAILED', reason: 'The app exited with code 3.' }) };
    expect((await run('instance', 'status', 'x')).out).toBe('Status  FAILED\nReason  The app exited with code 3.\n');
    expect((await run('instance', 'logs', 'x')).out).toBe('line one\nline two\n');
  });

  it('refuses a bad visibility and unknown verbs with usage', async () => {
    expect((await run('instance', 'update', 'x', '-v', 'EVERYONE')).code).toBe(2);
    expect((await run('instance', 'explode')).code).toBe(2);
    expect(server.requests).toHaveLength(0);
  });
});
