// The secrets API called as a client would: values go in, and never come out in any answer.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Viewer } from '@/lib/auth/policy';
import { insertUser, useTempDataDir } from '@/lib/testing/db';

let currentViewer: Viewer | null = null;
vi.mock('@/lib/auth/viewer', () => ({
  getApiViewer: async () => currentViewer,
  accessSettings: () => ({ publicMode: false, fullAccessRole: '' }),
}));

const list = await import('./route');
const one = await import('./[name]/route');

useTempDataDir();

const VALUE = 'api-value-' + randomUUID();
const answers: string[] = [];

async function call(
  handler: (r: Request, c: never) => Promise<Response>,
  method: string,
  url: string,
  body?: unknown,
  name?: string,
) {
  const request = new Request(`http://portal.test${url}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const response = await handler(request, { params: Promise.resolve({ name: name ?? '' }) } as never);
  const text = await response.text();
  answers.push(text);
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

function viewer(opts: { isAdmin?: boolean; fullAccess?: boolean } = {}): Viewer {
  const u = insertUser({ isAdmin: opts.isAdmin ?? false });
  return { id: u.id, email: u.email, name: u.name, isAdmin: !!opts.isAdmin, roles: [], fullAccess: opts.fullAccess ?? true };
}

describe('/api/v1/secrets', () => {
  let alice: Viewer, bob: Viewer, visitor: Viewer;
  beforeAll(() => {
    [alice, bob, visitor] = [viewer(), viewer(), viewer({ fullAccess: false })];
  });

  it('creates, lists, reads, changes and deletes a secret without ever answering a value', async () => {
    currentViewer = alice;
    const created = await call(list.POST, 'POST', '/api/v1/secrets', { name: 'db', values: { password: VALUE, user: VALUE } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: 'db', visibility: 'PRIVATE', keys: [{ key: 'password' }, { key: 'user' }] });

    const again = await call(list.POST, 'POST', '/api/v1/secrets', { name: 'db', values: { password: VALUE } });
    expect(again.status).toBe(409);

    const listed = await call(list.GET, 'GET', '/api/v1/secrets');
    expect(listed.json.map((s: { name: string }) => s.name)).toEqual(['db']);

    const read = await call(one.GET, 'GET', '/api/v1/secrets/db', undefined, 'db');
    expect(read.json.keys.map((k: { key: string }) => k.key)).toEqual(['password', 'user']);

    const patched = await call(one.PATCH, 'PATCH', '/api/v1/secrets/db', { set: { password: VALUE + '2', extra: VALUE }, remove: ['user'] }, 'db');
    expect(patched.status).toBe(200);
    expect(patched.json.keys.map((k: { key: string }) => k.key)).toEqual(['extra', 'password']);

    const badPatch = await call(one.PATCH, 'PATCH', '/api/v1/secrets/db', { set: { 'bad key!': VALUE, ok: 7 } }, 'db');
    expect(badPatch.status).toBe(400);
    expect(badPatch.json.errors.map((e: { path: string }) => e.path)).toEqual(
      expect.arrayContaining(['set.bad key!', 'set.ok']),
    );

    expect((await call(one.DELETE, 'DELETE', '/api/v1/secrets/db', undefined, 'db')).status).toBe(204);
    expect((await call(one.GET, 'GET', '/api/v1/secrets/db', undefined, 'db')).status).toBe(404);

    for (const text of answers) expect(text).not.toContain(VALUE);
  });

  it('validates names and keys with field paths', async () => {
    currentViewer = alice;
    const bad = await call(list.POST, 'POST', '/api/v1/secrets', { name: 'Not_Valid', values: { 'a b': VALUE } });
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'name' }),
        expect.objectContaining({ path: 'values.a b' }),
      ]),
    );
    expect(bad.json.errors.find((e: { path: string }) => e.path === 'values.a b').message).toContain('not a valid secret key');
    expect(JSON.stringify(bad.json)).not.toContain(VALUE);
  });

  it("answers 404 for another user's PRIVATE secret, as for a missing one", async () => {
    currentViewer = alice;
    await call(list.POST, 'POST', '/api/v1/secrets', { name: 'mine', values: { k: VALUE } });
    currentViewer = bob;
    const theirs = await call(one.GET, 'GET', '/api/v1/secrets/mine', undefined, 'mine');
    const missing = await call(one.GET, 'GET', '/api/v1/secrets/zzzz', undefined, 'zzzz');
    expect(theirs.status).toBe(404);
    expect(theirs.json.error.message.replace('mine', 'N')).toBe(missing.json.error.message.replace('zzzz', 'N'));
    expect((await call(one.DELETE, 'DELETE', '/api/v1/secrets/mine', undefined, 'mine')).status).toBe(404);
    expect((await call(list.POST, 'POST', '/api/v1/secrets', { name: 'team', visibility: 'ALL_USERS', values: { k: 'v' } })).status).toBe(403);
  });

  it('refuses visitors (403) and anonymous callers (401)', async () => {
    currentViewer = visitor;
    expect((await call(list.GET, 'GET', '/api/v1/secrets')).status).toBe(403);
    expect((await call(list.POST, 'POST', '/api/v1/secrets', { name: 'v', values: { k: 'v' } })).status).toBe(403);
    currentViewer = null;
    expect((await call(list.GET, 'GET', '/api/v1/secrets')).status).toBe(401);
  });
});
