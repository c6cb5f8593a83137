import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Env } from './io';
import { main } from './main';
import { closedPortUrl, memoryIo, type RecordedRequest, startStub, type StubServer } from './test-helpers';

let dir: string;
let bundle: Buffer;
let server: StubServer;
let answer: (req: RecordedRequest) => { status: number; body: unknown };

const app = { id: 'a1b2', name: 'ai.h2o.wave.demo', version: '1.2.0', visibility: 'ALL_USERS', url: '/apps/ai.h2o.wave.demo/1.2.0' };

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'appstore-import-'));
  // Several read-stream chunks (64 KiB each) must arrive whole and in order.
  bundle = randomBytes(300 * 1024);
  await writeFile(path.join(dir, 'demo.wave'), bundle);
  answer = () => ({ status: 201, body: { ...app, warnings: [{ path: 'App.Category', message: 'Category is deprecated; use Tags.' }] } });
  server = await startStub((req) => answer(req));
});
afterEach(async () => {
  server.close();
  await rm(dir, { recursive: true, force: true });
});

const run = (args: string[], env: Env = {}) => {
  const io = memoryIo({ cwd: dir, env });
  return main(['import', ...args], io).then((code) => ({ code, out: io.out(), err: io.err() }));
};

describe('appstore import', () => {
  it('streams the bundle with its length and the token, and prints the imported app', async () => {
    const { code, out, err } = await run(['demo.wave', '--url', server.url, '--token', 'tok_1', '--visibility', 'all_users']);
    expect(err).toBe('');
    expect(code).toBe(0);

    const [req] = server.requests;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/api/v1/apps?visibility=ALL_USERS');
    expect(req.headers.authorization).toBe('Bearer tok_1');
    expect(req.headers['content-type']).toBe('application/octet-stream');
    expect(req.headers['content-length']).toBe(String(bundle.length));
    expect(req.headers['transfer-encoding']).toBeUndefined();
    expect(req.body.equals(bundle)).toBe(true);

    expect(out).toContain('Imported ai.h2o.wave.demo 1.2.0');
    expect(out).toContain('a1b2');
    expect(out).toContain('ALL_USERS');
    expect(out).toContain(`${server.url}/apps/ai.h2o.wave.demo/1.2.0`);
    expect(out).toContain('App.Category: Category is deprecated; use Tags.');
  });

  it('leaves out ?visibility when none is given, so the portal default applies', async () => {
    await run(['demo.wave', '--url', server.url, '--token', 'tok_1']);
    expect(server.requests[0].url).toBe('/api/v1/apps');
  });

  it('prints every problem of a refused bundle and exits 1', async () => {
    answer = () => ({
      status: 400,
      body: {
        error: { code: 'INVALID_BUNDLE', message: 'The bundle is not valid.' },
        errors: [
          { path: 'App.Version', message: 'Version "1.0" is not a semantic version.' },
          { path: 'Runtime.Module', message: 'Module is required unless InstanceLifecycle is LINK.' },
          { path: 'Env[0].Secret', message: 'Secret "db" does not exist.', link: { href: '/my-secrets?name=db&keys=password#create-secret', label: 'Create db on My secrets' } },
        ],
        warnings: [{ path: 'App.Category', message: 'Category is deprecated.' }],
      },
    });
    const { code, out, err } = await run(['demo.wave', '--url', server.url, '--token', 'tok_1']);
    expect(code).toBe(1);
    expect(out).toBe('');
    // A problem's link is printed as the portal's full address, under it.
    expect(err).toContain(`  error: Env[0].Secret: Secret "db" does not exist.\n      Create db on My secrets: ${server.url}/my-secrets?name=db&keys=password#create-secret\n`);
    expect(err).toContain('App.Version: Version "1.0" is not a semantic version.');
    expect(err).toContain('Runtime.Module: Module is required unless InstanceLifecycle is LINK.');
    expect(err).toContain('App.Category: Category is deprecated.');
  });

  it.each([
    [401, 'UNAUTHENTICATED', 'Sign in first (session or Bearer token).'],
    [403, 'FORBIDDEN', 'You are not allowed to do that.'],
    [409, 'CONFLICT', 'ai.h2o.wave.demo 1.2.0 is already imported.'],
    [413, 'TOO_LARGE', 'The bundle is larger than 512 MiB.'],
  ])("shows the portal's message for %i and exits 1", async (status, errorCode, message) => {
    answer = () => ({ status, body: { error: { code: errorCode, message } } });
    const { code, err } = await run(['demo.wave', '--url', server.url, '--token', 'tok_1']);
    expect(code).toBe(1);
    expect(err).toBe(`appstore import: ${message}\n`);
  });

  it('prints the raw answer with --json', async () => {
    answer = () => ({ status: 409, body: { error: { code: 'CONFLICT', message: 'Already imported.' } } });
    const { code, out } = await run(['demo.wave', '--url', server.url, '--token', 'tok_1', '--json']);
    expect(code).toBe(1);
    expect(JSON.parse(out)).toEqual({ error: { code: 'CONFLICT', message: 'Already imported.' } });
  });

  it('uses the stored login, with APPSTORE_URL / APPSTORE_TOKEN taking precedence', async () => {
    const config = path.join(dir, 'config.json');
    await writeFile(config, JSON.stringify({ url: server.url, token: 'tok_stored' }));
    expect((await run(['demo.wave'], { APPSTORE_CONFIG: config })).code).toBe(0);
    expect((await run(['demo.wave'], { APPSTORE_CONFIG: config, APPSTORE_TOKEN: 'tok_env' })).code).toBe(0);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer tok_stored', 'Bearer tok_env']);
  });

  it('never sends the stored token to a portal other than the one it came from', async () => {
    const config = path.join(dir, 'config.json');
    await writeFile(config, JSON.stringify({ url: 'https://elsewhere.example.com', token: 'tok_stored' }));
    const { code, err } = await run(['demo.wave', '--url', server.url], { APPSTORE_CONFIG: config });
    expect(code).toBe(1);
    expect(err).toContain('no API token');
    expect(server.requests).toHaveLength(0);
  });

  it('reports a missing file, a bad visibility and an unreachable portal clearly', async () => {
    const missing = await run(['nope.wave', '--url', server.url, '--token', 't']);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^appstore import: cannot read .*nope\.wave: no such file\n$/);

    const visibility = await run(['demo.wave', '--url', server.url, '--token', 't', '--visibility', 'EVERYONE']);
    expect(visibility.code).toBe(2);
    expect(visibility.err).toContain('--visibility must be one of PRIVATE, ALL_USERS, PUBLIC');

    const url = await closedPortUrl();
    const offline = await run(['demo.wave', '--url', url, '--token', 't']);
    expect(offline.code).toBe(1);
    expect(offline.err.trim().split('\n')).toHaveLength(1);
    expect(offline.err).toContain(`cannot reach ${url}`);
  });
});
