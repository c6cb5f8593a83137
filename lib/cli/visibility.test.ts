// Visibility flags: an app's are lib/apps/visibility's values (any case), a secret's are its own list.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from './main';
import { memoryIo, startStub, type StubServer } from './test-helpers';

const APP_ID = '11111111-2222-4333-8444-555555555555';
let server: StubServer;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'appstore-visibility-'));
  server = await startStub((req) => {
    const body = req.body.length ? JSON.parse(req.body.toString()) : {};
    if (req.url.startsWith('/api/v1/secrets')) {
      return { status: 201, body: { id: 's', name: body.name, visibility: body.visibility, appName: null, owner: { id: 'u', name: 'U' }, keys: [{ key: 'k', updatedAt: '' }], createdAt: '', updatedAt: '' } };
    }
    return { status: 200, body: { id: APP_ID, name: 'churn', version: '1.0.0', title: 'Churn', visibility: body.visibility, tags: [], owner: { name: 'U' } } };
  });
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
const sent = () => server.requests.filter((r) => r.method !== 'GET').map((r) => JSON.parse(r.body.toString()).visibility);

describe('visibility flags', () => {
  it('app update takes the app visibilities in any case, and refuses APP (a secret visibility) as usage', async () => {
    expect((await run('app', 'update', APP_ID, '-v', 'all_users', '--json')).code).toBe(0);
    const refused = await run('app', 'update', APP_ID, '-v', 'APP');
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('visibility must be one of PRIVATE, ALL_USERS, PUBLIC');
    expect(sent()).toEqual(['ALL_USERS']);
  });

  it('secret create takes the secret visibilities, and refuses PUBLIC as usage', async () => {
    expect((await run('secret', 'create', 'db', '--visibility', 'app', '--from-literal', 'k=v')).code).toBe(0);
    const refused = await run('secret', 'create', 'db', '--visibility', 'PUBLIC', '--from-literal', 'k=v');
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('visibility must be one of PRIVATE, ALL_USERS, APP');
    expect(sent()).toEqual(['APP']);
  });
});
