// `appstore app delete`: a version with instances is refused by the portal with their list; the CLI shows
// them, and deletes only with --force or a "yes" typed at a terminal.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliInput } from './io';
import { main } from './main';
import { memoryIo, startStub, type RecordedRequest, type StubServer } from './test-helpers';

const APP_ID = '11111111-2222-4333-8444-555555555555';
const INSTANCE = { id: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', status: 'DEPLOYED', owner: 'Alice', page: '/instances/aaaa', url: 'http://i.apps.test/' };

let server: StubServer;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'appstore-apps-'));
  server = await startStub((req: RecordedRequest) => {
    if (req.method === 'GET') return { status: 200, body: { id: APP_ID, name: 'churn', version: '1.2.0' } };
    if (req.url.endsWith('?force=true')) return { status: 204, body: '' };
    return { status: 409, body: { error: { code: 'CONFLICT', message: 'churn 1.2.0 has 1 instance. Deleting it leaves it running (no new ones start); confirm to delete anyway.', instances: [INSTANCE] } } };
  });
});
afterEach(async () => {
  server.close();
  await rm(dir, { recursive: true, force: true });
});

const run = async (stdin: string | CliInput, ...args: string[]) => {
  const io = memoryIo({ cwd: dir, stdin, env: { APPSTORE_CONFIG: path.join(dir, 'none.json'), APPSTORE_TOKEN: 'tok' } });
  const code = await main([...args, '--url', server.url], io);
  return { code, out: io.out(), err: io.err() };
};

const terminal = (typed: string): CliInput => {
  const input = new PassThrough() as PassThrough & { isTTY: boolean };
  input.isTTY = true;
  input.end(typed);
  return input;
};

const deletes = () => server.requests.filter((r) => r.method === 'DELETE').map((r) => r.url);

describe('appstore app delete', () => {
  it('without a terminal: lists the instances and deletes nothing unless --force', async () => {
    const refused = await run('', 'app', 'delete', APP_ID);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('churn 1.2.0 has 1 instance.');
    expect(refused.err).toContain(`  ${INSTANCE.id}  DEPLOYED  Alice  http://i.apps.test/`);
    expect(refused.err).toContain('run again with --force');
    expect(deletes()).toEqual([`/api/v1/apps/${APP_ID}`]);

    const forced = await run('', 'app', 'delete', APP_ID, '--force');
    expect(forced.code).toBe(0);
    expect(forced.out).toContain(`Deleted churn 1.2.0 (${APP_ID})`);
    expect(deletes().at(-1)).toBe(`/api/v1/apps/${APP_ID}?force=true`);
  });

  it('at a terminal: asks, and deletes on "y" (the instances keep running), not on anything else', async () => {
    const no = await run(terminal('n\n'), 'app', 'delete', APP_ID);
    expect(no.code).toBe(1);
    expect(no.err).toContain('Delete it anyway? They keep running. [y/N] ');
    expect(deletes()).toEqual([`/api/v1/apps/${APP_ID}`]);

    const yes = await run(terminal('y\n'), 'app', 'delete', APP_ID);
    expect(yes.code).toBe(0);
    expect(yes.out).toContain(`Deleted churn 1.2.0 (${APP_ID}); 1 instance(s) keep running: ${INSTANCE.id}`);
    expect(deletes().slice(1)).toEqual([`/api/v1/apps/${APP_ID}`, `/api/v1/apps/${APP_ID}?force=true`]);
  });
});

describe('appstore app list', () => {
  it('follows the portal’s pages to the end, keeping its filters on every page', async () => {
    await server.close();
    const versions = Array.from({ length: 1234 }, (_, i) => ({ id: `id-${i}`, name: `app${i}`, title: `App ${i}`, version: '1.0.0', owner: { name: 'A' }, importedAt: '2026-01-01', visibility: 'PRIVATE', tags: [] }));
    server = await startStub((req) => {
      const query = new URL(req.url, 'http://stub').searchParams;
      const limit = Math.min(Number(query.get('limit') ?? 100), 500); // as the portal caps it
      const offset = Number(query.get('offset') ?? 0);
      return { status: 200, body: versions.slice(offset, offset + limit) };
    });
    const { code, out } = await run('', 'app', 'list', '--mine', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out).map((a: { id: string }) => a.id)).toEqual(versions.map((v) => v.id));
    const asked = server.requests.map((r) => Object.fromEntries(new URL(r.url, 'http://stub').searchParams));
    expect(asked).toEqual([0, 500, 1000].map((offset) => ({ mine: '1', limit: '500', offset: String(offset) })));
  });
});
