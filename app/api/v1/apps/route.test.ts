// The apps API called as a client would (Bearer tokens, real bundles, real database): the statuses the
// README's API table promises, one convention for DELETE (204, no body), 401 for anonymous downloads,
// 409 LIMIT_REACHED for APP_VERSION_LIMIT.
import JSZip from 'jszip';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { issueToken } from '@/lib/auth/tokens';
import { seedRuntimeVersions } from '@/lib/runtimes/catalog';
import { insertUser, useTempDataDir } from '@/lib/testing/db';
import { setEnv } from '@/lib/testing/env';

vi.mock('next/headers', () => ({ headers: async () => new Headers() })); // no session cookie: Bearer tokens or anonymous
const list = await import('./route');
const one = await import('./[id]/route');
const bundle = await import('./[id]/bundle/route');
const tagList = await import('../tags/route');
const tagOne = await import('../tags/[id]/route');

useTempDataDir();
beforeAll(() => seedRuntimeVersions());
afterEach(() => {
  setEnv({ APP_VERSION_LIMIT: undefined });
});

const URL_BASE = 'http://portal.test/api/v1';
const ctx = (id: string) => ({ params: Promise.resolve({ id }) });

function bearer(isAdmin = false): Record<string, string> {
  const user = insertUser({ isAdmin });
  return { authorization: `Bearer ${issueToken(user.id, 'test').token}` };
}

let counter = 0;
async function waveBundle(version = '1.0.0', name = `ai.test.api${++counter}x${Date.now().toString(36)}`) {
  const zip = new JSZip();
  zip.file('app.toml', `[App]\nName = "${name}"\nVersion = "${version}"\n\n[Runtime]\nModule = "app"\n`);
  return { name, body: await zip.generateAsync({ type: 'nodebuffer' }) };
}

async function importApp(headers: Record<string, string>, body: Buffer) {
  const request = new Request(`${URL_BASE}/apps`, { method: 'POST', headers: { ...headers, 'content-type': 'application/octet-stream' }, body: new Uint8Array(body) });
  const res = await list.POST(request, undefined);
  return { status: res.status, json: await res.json() };
}

describe('/api/v1/apps statuses', () => {
  it('DELETE answers 204 with no body, and the version is gone', async () => {
    const owner = bearer();
    const created = await importApp(owner, (await waveBundle()).body);
    expect(created.status).toBe(201);
    const res = await one.DELETE(new Request(`${URL_BASE}/apps/${created.json.id}`, { method: 'DELETE', headers: owner }), ctx(created.json.id));
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    const got = await one.GET(new Request(`${URL_BASE}/apps/${created.json.id}`, { headers: owner }), ctx(created.json.id));
    expect(got.status).toBe(404);
  });

  it('GET bundle: 401 for anonymous callers, 403 for another user, 200 for the owner', async () => {
    const owner = bearer();
    const { body } = await waveBundle();
    const created = await importApp(owner, body);
    const get = (headers: Record<string, string>) => bundle.GET(new Request(`${URL_BASE}/apps/${created.json.id}/bundle`, { headers }), ctx(created.json.id));
    const anonymous = await get({});
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.code).toBe('UNAUTHENTICATED');
    expect((await get(bearer())).status).toBe(404); // PRIVATE: not even its existence
    const published = await one.PATCH(
      new Request(`${URL_BASE}/apps/${created.json.id}`, { method: 'PATCH', headers: { ...owner, 'content-type': 'application/json' }, body: '{"visibility":"ALL_USERS"}' }),
      ctx(created.json.id),
    );
    expect(published.status).toBe(200);
    expect((await get(bearer())).status).toBe(403);
    expect((await get({})).status).toBe(401);
    const download = await get(owner);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(body)).toBe(true);
  });

  it('APP_VERSION_LIMIT answers 409 LIMIT_REACHED, and nothing is added', async () => {
    setEnv({ APP_VERSION_LIMIT: '1' });
    const owner = bearer();
    const first = await waveBundle('1.0.0');
    expect((await importApp(owner, first.body)).status).toBe(201);
    const second = await importApp(owner, (await waveBundle('2.0.0', first.name)).body);
    expect(second.status).toBe(409);
    expect(second.json.error).toMatchObject({ code: 'LIMIT_REACHED', message: expect.stringContaining('APP_VERSION_LIMIT') });
    const listed = await list.GET(new Request(`${URL_BASE}/apps?name=${first.name}`, { headers: owner }), undefined);
    expect((await listed.json()).map((a: { version: string }) => a.version)).toEqual(['1.0.0']);
  });
});

describe('DELETE /api/v1/tags/{id}', () => {
  it('answers 204 with no body, like every DELETE', async () => {
    const admin = bearer(true);
    const created = await tagList.POST(
      new Request(`${URL_BASE}/tags`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: '{"name":"GONE_SOON","title":"Gone"}' }),
      undefined,
    );
    expect(created.status).toBe(201);
    const res = await tagOne.DELETE(new Request(`${URL_BASE}/tags/GONE_SOON`, { method: 'DELETE', headers: admin }), ctx('GONE_SOON'));
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect((await tagOne.GET(new Request(`${URL_BASE}/tags/GONE_SOON`, { headers: admin }), ctx('GONE_SOON'))).status).toBe(404);
  });
});

describe('DELETE /api/v1/apps/{id} of a version with instances', () => {
  it('answers 409 listing them; with ?force=true deletes it, and the instance stays (its app marked deleted)', async () => {
    const { createInstance } = await import('@/lib/instances/store');
    const instanceOne = await import('../instances/[id]/route');
    const owner = insertUser();
    const headers = { authorization: `Bearer ${issueToken(owner.id, 'test').token}` };
    const { name, body } = await waveBundle();
    const created = await importApp(headers, body);
    const viewer = { id: owner.id, email: owner.email, name: owner.name, isAdmin: false, roles: [], fullAccess: true };
    const instance = createInstance(viewer, { appId: created.json.id }, { publicMode: false, fullAccessRole: '' });
    const del = (query = '') => one.DELETE(new Request(`${URL_BASE}/apps/${created.json.id}${query}`, { method: 'DELETE', headers }), ctx(created.json.id));

    const refused = await del();
    expect(refused.status).toBe(409);
    const json = await refused.json();
    expect(json.error.code).toBe('CONFLICT');
    expect(json.error.message).toMatch(/has 1 instance/);
    expect(json.error.instances).toEqual([{ id: instance.id, status: 'PENDING', owner: owner.name, page: `/instances/${instance.id}`, url: expect.stringContaining(instance.id) }]);
    expect((await del('?force=maybe')).status).toBe(400);
    expect((await one.GET(new Request(`${URL_BASE}/apps/${created.json.id}`, { headers }), ctx(created.json.id))).status).toBe(200);

    const forced = await del('?force=true');
    expect(forced.status).toBe(204);
    expect((await one.GET(new Request(`${URL_BASE}/apps/${created.json.id}`, { headers }), ctx(created.json.id))).status).toBe(404);
    const kept = await instanceOne.GET(new Request(`${URL_BASE}/instances/${instance.id}`, { headers }), ctx(instance.id));
    expect(kept.status).toBe(200);
    expect((await kept.json()).app).toEqual({ id: created.json.id, name, version: '1.0.0', title: name, deleted: true });
  });
});

describe('a version the storage check marked broken', () => {
  it('refuses download and Run with a clear message; re-importing its bundle restores it', async () => {
    const fs = await import('node:fs');
    const { fsck } = await import('@/lib/backup/fsck');
    const { bundlePath } = await import('@/lib/storage/paths');
    const instances = await import('../instances/route');
    const owner = bearer();
    const { body } = await waveBundle();
    const created = await importApp(owner, body);
    fs.rmSync(bundlePath(created.json.bundle.sha256));
    expect((await fsck()).broken.map((b) => b.id)).toContain(created.json.id);

    const download = await bundle.GET(new Request(`${URL_BASE}/apps/${created.json.id}/bundle`, { headers: owner }), ctx(created.json.id));
    expect(download.status).toBe(409);
    const shown = await (await one.GET(new Request(`${URL_BASE}/apps/${created.json.id}`, { headers: owner }), ctx(created.json.id))).json();
    expect(shown).toMatchObject({ broken: true, brokenReason: expect.stringMatching(/its bundle is missing/) });
    expect((await download.json()).error.message).toMatch(/is broken and cannot be downloaded\. The storage check on .* found that its bundle is missing/);
    const run = await instances.POST(
      new Request(`${URL_BASE}/instances`, { method: 'POST', headers: { ...owner, 'content-type': 'application/json' }, body: JSON.stringify({ appId: created.json.id }) }),
      undefined,
    );
    expect(run.status).toBe(409);
    expect((await run.json()).error.message).toMatch(/This version is broken: files it needs are missing/);

    const again = await importApp(owner, body);
    expect(again.status).toBe(201);
    expect(again.json.id).toBe(created.json.id);
    expect(again.json.warnings).toEqual(expect.arrayContaining([expect.objectContaining({ message: expect.stringMatching(/was marked broken .* its files were restored/) })]));
    const restored = await bundle.GET(new Request(`${URL_BASE}/apps/${created.json.id}/bundle`, { headers: owner }), ctx(created.json.id));
    expect(restored.status).toBe(200);
    expect((await (await one.GET(new Request(`${URL_BASE}/apps/${created.json.id}`, { headers: owner }), ctx(created.json.id))).json()).broken).toBe(false);
    expect(Buffer.from(await restored.arrayBuffer()).equals(body)).toBe(true);
    // Any other re-import of an existing version is still a duplicate.
    expect((await importApp(owner, body)).status).toBe(409);
  });
});
