import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { importApp, importBundle, makeBundle } from './bundles';
import { asAdmin, createUser, RESTRICTED, tokenFor, unique } from './helpers';

test.describe('POST /api/v1/apps', () => {
  test('201 with the app; GET by id and bundle download for the owner', async ({ request }) => {
    const user = await createUser(request);
    const auth = { Authorization: `Bearer ${await tokenFor(request, user.email, user.password)}` };
    const name = unique('ai.e2e.api');
    const bundle = await makeBundle({ name, version: '1.2.3', title: 'API app', screenshots: 2 });
    const res = await importBundle(request, auth, bundle);
    expect(res.status(), await res.text()).toBe(201);
    const app = await res.json();
    expect(app).toMatchObject({ name, version: '1.2.3', title: 'API app', visibility: 'PRIVATE', kind: 'wave' });
    expect(app.screenshots).toHaveLength(2);
    for (const url of [app.icon, ...app.screenshots]) {
      const image = await request.get(url, { headers: auth });
      expect(image.status(), url).toBe(200);
      expect(image.headers()['content-type']).toBe('image/png');
    }
    expect(app.runtimeVersion).toBe('deb11_py310_wlatest');

    const got = await request.get(`/api/v1/apps/${app.id}`, { headers: auth });
    expect(got.status()).toBe(200);
    const download = await request.get(`/api/v1/apps/${app.id}/bundle`, { headers: auth });
    expect(download.status()).toBe(200);
    expect(Buffer.compare(await download.body(), bundle)).toBe(0);

    const mine = await request.get(`/api/v1/apps?mine=1&name=${name}`, { headers: auth });
    expect((await mine.json()).map((a: { id: string }) => a.id)).toEqual([app.id]);
  });

  test('multipart upload works too', async ({ request }) => {
    const headers = await asAdmin(request);
    const name = unique('ai.e2e.multipart');
    const res = await request.post('/api/v1/apps', {
      headers,
      multipart: {
        visibility: 'ALL_USERS',
        bundle: { name: 'app.wave', mimeType: 'application/zip', buffer: await makeBundle({ name }) },
      },
    });
    expect(res.status(), await res.text()).toBe(201);
    expect((await res.json()).visibility).toBe('ALL_USERS');
  });

  test('400 lists every error with its attribute path, and nothing is stored', async ({ request }) => {
    const headers = await asAdmin(request);
    const name = unique('ai.e2e.bad');
    const res = await importBundle(
      request,
      headers,
      await makeBundle({
        name,
        appToml: `[App]\nName = "${name}"\nVersion = "not-semver"\n\n[Runtime]\nMemoryLimit = "lots"\n\n[[Env]]\nName = "H2O_CLOUD_X"\nValue = "1"\n`,
      }),
    );
    expect(res.status()).toBe(400);
    const body = await res.json();
    const paths = body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['App.Version', 'Runtime.MemoryLimit', 'Runtime.Module', 'Env[0].Name']));
    expect(Array.isArray(body.warnings)).toBe(true);
    const list = await request.get(`/api/v1/apps?name=${name}`, { headers });
    expect(await list.json()).toEqual([]);
  });

  test('400 reports manifest, contents, runtime, secret, Name ownership and version-limit problems in one answer', async ({ request }) => {
    test.setTimeout(90_000);
    const [owner, user] = [await createUser(request), await createUser(request)];
    const headers = { Authorization: `Bearer ${await tokenFor(request, user.email, user.password)}` };
    // The Name is another user's, and the importer already holds APP_VERSION_LIMIT (10) versions.
    const name = unique('ai.e2e.allatonce');
    await importApp(request, { Authorization: `Bearer ${await tokenFor(request, owner.email, owner.password)}` }, { name, version: '0.1.0' });
    const held = unique('ai.e2e.held');
    for (let i = 0; i < 10; i++) await importApp(request, headers, { name: held, version: `1.0.${i}` });
    const res = await importBundle(
      request,
      headers,
      await makeBundle({
        name,
        appToml: `[App]\nName = "${name}"\nVersion = "1.0"\nLongDescription = "missing.md"\n\n[Runtime]\nModule = "app.main"\nRuntimeVersion = "deb99_nope"\n\n[[Env]]\nName = "TOKEN"\nSecret = "no-such-secret"\nSecretKey = "token"\n`,
      }),
    );
    expect(res.status()).toBe(400);
    const errors = (await res.json()).errors as { path: string; message: string }[];
    expect(errors.map((e) => e.path)).toEqual(
      expect.arrayContaining(['App.Version', 'App.LongDescription', 'Runtime.RuntimeVersion', 'Env[0].Secret', 'App.Name', 'bundle']),
    );
    expect(errors.find((e) => e.path === 'App.Name')?.message).toMatch(/is not available to you/);
    expect(errors.find((e) => e.path === 'bundle')?.message).toMatch(/You already hold 10 imported app versions/);
    expect(JSON.stringify(errors)).not.toContain(owner.email);
  });

  test('400 for input that is not a zip', async ({ request }) => {
    const res = await importBundle(request, await asAdmin(request), Buffer.from('hello, not a zip'));
    expect(res.status()).toBe(400);
    expect((await res.json()).errors.length).toBeGreaterThan(0);
  });

  test('409 for the same Name and Version, telling to bump the version', async ({ request }) => {
    const headers = await asAdmin(request);
    const bundle = await makeBundle({ name: unique('ai.e2e.dup'), version: '1.0.0' });
    expect((await importBundle(request, headers, bundle)).status()).toBe(201);
    const again = await importBundle(request, headers, bundle);
    expect(again.status()).toBe(409);
    expect((await again.json()).error.message).toMatch(/bump App\.Version/);
  });

  test('a Name belongs to its first importer', async ({ request }) => {
    const [a, b] = [await createUser(request), await createUser(request)];
    const name = unique('ai.e2e.owned');
    const ha = { Authorization: `Bearer ${await tokenFor(request, a.email, a.password)}` };
    const hb = { Authorization: `Bearer ${await tokenFor(request, b.email, b.password)}` };
    await importApp(request, ha, { name, version: '1.0.0' });
    const res = await importBundle(request, hb, await makeBundle({ name, version: '2.0.0' }));
    expect(res.status()).toBe(403);
    expect((await res.json()).error.message).toMatch(/is not available to you/);
  });

  test('a Name someone else owns is refused alike whether its apps are PRIVATE or not, naming no owner', async ({ request }) => {
    const [a, b] = [await createUser(request), await createUser(request)];
    const ha = { Authorization: `Bearer ${await tokenFor(request, a.email, a.password)}` };
    const hb = { Authorization: `Bearer ${await tokenFor(request, b.email, b.password)}` };
    const hidden = unique('ai.e2e.hidden');
    const shared = unique('ai.e2e.shared');
    await importApp(request, ha, { name: hidden, version: '1.0.0' }, 'PRIVATE');
    await importApp(request, ha, { name: shared, version: '1.0.0' }, 'ALL_USERS');
    const answers = [];
    for (const name of [hidden, shared]) {
      // The same version as the owner's, so a duplicate-version answer would confirm the version exists.
      const res = await importBundle(request, hb, await makeBundle({ name, version: '1.0.0' }));
      answers.push({ status: res.status(), body: JSON.stringify(await res.json()).replaceAll(name, 'NAME') });
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0].status).toBe(403);
    expect(answers[0].body).not.toMatch(/another user|private|exists/i);
    expect(answers[0].body).not.toContain(a.email);
    expect(answers[0].body).not.toContain(a.name);
  });

  test('401 without a token or with a bad one', async ({ request }) => {
    const bundle = await makeBundle({ name: unique('ai.e2e.anon') });
    expect((await importBundle(request, {}, bundle)).status()).toBe(401);
    expect((await importBundle(request, { Authorization: 'Bearer ast_nope' }, bundle)).status()).toBe(401);
  });

  test('10 parallel uploads of one Name+Version: exactly one 201', async ({ request }) => {
    const headers = await asAdmin(request);
    const bundle = await makeBundle({ name: unique('ai.e2e.race'), version: '1.0.0' });
    const statuses = await Promise.all(Array.from({ length: 10 }, () => importBundle(request, headers, bundle).then((r) => r.status())));
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(9);
  });

  test('tags named in app.toml are assigned when they exist, others are warnings', async ({ request }) => {
    const headers = await asAdmin(request);
    const tagName = unique('TAG').toUpperCase().replace(/-/g, '_');
    const tag = await request.post('/api/v1/tags', { headers, data: { name: tagName, title: 'E2E tag', isCategory: true } });
    expect(tag.status(), await tag.text()).toBe(201);
    const res = await importBundle(request, headers, await makeBundle({ name: unique('ai.e2e.tags'), tags: [tagName, 'NO_SUCH_TAG'] }));
    expect(res.status()).toBe(201);
    const app = await res.json();
    expect(app.tags.map((t: { name: string }) => t.name)).toEqual([tagName]);
    expect(app.warnings.map((w: { path: string }) => w.path)).toContain('App.Tags[1]');
  });

});

test.describe('413 on the server limited to 2 MiB', () => {
  test.use({ baseURL: RESTRICTED.url });

  test('a declared size past the limit is refused before reading', async ({ request }) => {
    const res = await importBundle(request, await asAdmin(request), Buffer.alloc(3 * 1024 * 1024));
    expect(res.status()).toBe(413);
    expect((await res.json()).error.message).toMatch(/larger than the limit of 2 MiB/);
  });

  test('a chunked upload is cut off while streaming and the partial file removed', async ({ request }) => {
    const headers = await asAdmin(request);
    const url = new URL('/api/v1/apps', RESTRICTED.url);
    // The answer must really arrive: the client stops sending once it has a response, and a connection
    // dropped before any response is a failure, not a 413.
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      let answered = false;
      const req = http.request(url, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/octet-stream' } }, (res) => {
        answered = true;
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('close', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', (error) => {
        if (!answered) reject(error);
      });
      // Starts like a zip (a local file header), so it is the size that stops it, not the first bytes.
      const chunk = Buffer.alloc(256 * 1024, 7);
      const first = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), chunk.subarray(4)]);
      let sent = 0;
      const pump = () => {
        while (sent < 8 * 1024 * 1024 && !answered) {
          const next = sent === 0 ? first : chunk;
          sent += next.length;
          if (!req.write(next)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    const status = answer.status;
    expect(status).toBe(413);
    expect(JSON.parse(answer.body).error.code).toBe('TOO_LARGE');
    const staging = path.join(process.env.E2E_RESTRICTED_DATA_DIR!, 'staging');
    // No staged file is left (the per-user staging folders may stay).
    const stagedFiles = () =>
      fs.existsSync(staging)
        ? (fs.readdirSync(staging, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(staging, f)).isFile())
        : [];
    await expect.poll(stagedFiles).toEqual([]);
  });
});

test.describe('PATCH and DELETE /api/v1/apps/{id}', () => {
  test('the owner publishes, tags and deletes a version; another user may not', async ({ request }) => {
    const [owner, other] = [await createUser(request), await createUser(request)];
    const ho = { Authorization: `Bearer ${await tokenFor(request, owner.email, owner.password)}` };
    const hx = { Authorization: `Bearer ${await tokenFor(request, other.email, other.password)}` };
    const app = await importApp(request, ho, { name: unique('ai.e2e.patch') });
    expect((await request.get(`/api/v1/apps/${app.id}`, { headers: hx })).status()).toBe(404);
    expect((await request.patch(`/api/v1/apps/${app.id}`, { headers: hx, data: { visibility: 'ALL_USERS' } })).status()).toBe(404);

    const badge = unique('BADGE').toUpperCase().replace(/-/g, '_');
    expect((await request.post('/api/v1/tags', { headers: await asAdmin(request), data: { name: badge, title: 'Badge' } })).status()).toBe(201);
    const patched = await request.patch(`/api/v1/apps/${app.id}`, { headers: ho, data: { visibility: 'ALL_USERS', tags: [badge] } });
    expect(patched.status(), await patched.text()).toBe(200);
    expect(await patched.json()).toMatchObject({ visibility: 'ALL_USERS', tags: [expect.objectContaining({ name: badge, kind: 'badge' })] });
    expect((await request.get(`/api/v1/apps/${app.id}`, { headers: hx })).status()).toBe(200);

    // Published, the other user sees it but still may not change or delete it.
    expect((await request.patch(`/api/v1/apps/${app.id}`, { headers: hx, data: { visibility: 'PRIVATE' } })).status()).toBe(403);
    expect((await request.delete(`/api/v1/apps/${app.id}`, { headers: hx })).status()).toBe(403);
    expect((await request.patch(`/api/v1/apps/${app.id}`, { headers: ho, data: { version: '9.9.9' } })).status()).toBe(400);

    const deleted = await request.delete(`/api/v1/apps/${app.id}`, { headers: ho });
    expect(deleted.status()).toBe(204);
    expect(await deleted.text()).toBe('');
    expect((await request.get(`/api/v1/apps/${app.id}`, { headers: ho })).status()).toBe(404);
    expect((await request.get(`/api/v1/apps/${app.id}/bundle`, { headers: ho })).status()).toBe(404);
  });

  test('the bundle download is for the owner and admins only', async ({ request }) => {
    const [owner, other] = [await createUser(request), await createUser(request)];
    const ho = { Authorization: `Bearer ${await tokenFor(request, owner.email, owner.password)}` };
    const hx = { Authorization: `Bearer ${await tokenFor(request, other.email, other.password)}` };
    const app = await importApp(request, ho, { name: unique('ai.e2e.download') }, 'ALL_USERS');
    expect((await request.get(`/api/v1/apps/${app.id}/bundle`, { headers: ho })).status()).toBe(200);
    expect((await request.get(`/api/v1/apps/${app.id}/bundle`, { headers: await asAdmin(request) })).status()).toBe(200);
    expect((await request.get(`/api/v1/apps/${app.id}/bundle`, { headers: hx })).status()).toBe(403);
    expect((await request.get(`/api/v1/apps/${app.id}/bundle`)).status()).toBe(401);
  });
});
