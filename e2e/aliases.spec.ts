// Aliases end to end: an admin gives a running instance a primary alias, its UUID URL redirects there, the
// alias follows a roll-out to the next version of the same app, and an alias whose instance is gone answers a
// branded 404; BASE_URL instances restart under a new primary prefix; authorization comes before any redirect.
import { expect, request as playwrightRequest, test, type APIRequestContext, type Page, type Response } from '@playwright/test';
import { importBundle } from './bundles';
import { asAdmin, createUser, E2E_ADMIN, signIn, tokenFor, unique } from './helpers';
import { echoThroughWebsocket, instanceAppBundle, type InstanceAppOptions } from './instance-app';

test.setTimeout(120_000);

type Auth = Record<string, string>;

async function importApp(request: APIRequestContext, auth: Auth, options: InstanceAppOptions) {
  const res = await importBundle(request, auth, await instanceAppBundle(options), 'ALL_USERS');
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()) as { id: string };
}

async function deployed(request: APIRequestContext, auth: Auth, id: string) {
  await expect.poll(async () => (await (await request.get(`/api/v1/instances/${id}`, { headers: auth })).json()).status, { timeout: 30_000 }).toBe('DEPLOYED');
}

async function startInstance(request: APIRequestContext, auth: Auth, appId: string, visibility = 'ALL_USERS') {
  const started = await request.post('/api/v1/instances', { headers: auth, data: { appId, visibility } });
  expect(started.status(), await started.text()).toBe(201);
  return (await started.json()).id as string;
}

async function runApp(request: APIRequestContext, auth: Auth, options: InstanceAppOptions, visibility = 'ALL_USERS') {
  const app = await importApp(request, auth, options);
  const id = await startInstance(request, auth, app.id, visibility);
  await deployed(request, auth, id);
  return id;
}

/** The redirects a navigation went through, oldest first. */
async function redirectsIn(response: Response): Promise<{ from: string; status: number; to: string }[]> {
  const hops = [];
  for (let req = response.request().redirectedFrom(); req; req = req.redirectedFrom()) {
    const res = await req.response();
    hops.unshift({ from: req.url(), status: res?.status() ?? 0, to: res?.headers().location ?? '' });
  }
  return hops;
}

/** A request context signed in through the sign-in form's endpoint (a session cookie, as a browser has). */
async function sessionFor(baseURL: string, user: { email: string; password: string }): Promise<APIRequestContext> {
  const context = await playwrightRequest.newContext({ baseURL });
  const { csrfToken } = await (await context.get('/api/auth/csrf')).json();
  const res = await context.post('/api/auth/callback/credentials', { form: { csrfToken, email: user.email, password: user.password }, maxRedirects: 0 });
  expect([200, 302]).toContain(res.status());
  return context;
}

test('an admin gives an instance a primary alias; the UUID URL lands on it; a roll-out to 1.2 of the same app moves it for users; a terminated target answers 404', async ({
  page,
  request,
  baseURL,
  browser,
}) => {
  const admin = await asAdmin(request);
  const port = new URL(baseURL!).port;
  const name = unique('rollout');
  const first = await runApp(request, admin, { name, version: '1.1.0', routingMode: 'DOMAIN', title: 'Churn' });
  const alias = unique('churn').toLowerCase();

  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await page.goto('/admin/aliases');
  const form = page.getByRole('form', { name: 'New alias' });
  await form.getByLabel('Alias').fill(alias);
  await form.getByLabel('Instance id').fill(first);
  await form.getByRole('checkbox', { name: 'Primary' }).check();
  await form.getByRole('button', { name: 'Create alias' }).click();
  const row = page.getByTestId('alias-row').filter({ hasText: alias });
  await expect(row).toContainText('primary');
  await expect(row).toContainText('answers');

  // The UUID URL lands (302s) on the primary alias, which shows the app. A browser without a session on the
  // app host goes through the portal's sign-in handoff first, which sends it to the alias once it may open the
  // instance: nothing before that names the alias.
  const landed = await page.goto(`http://${first}.localhost:${port}/`);
  await page.waitForURL((url) => url.hostname === `${alias}.localhost` && url.pathname === '/');
  await expect(page.locator('#instance')).toHaveText(first);
  const hops = await redirectsIn(landed!);
  expect(hops[0]).toMatchObject({ from: `http://${first}.localhost:${port}/`, status: 302 });
  expect(hops[0].to).toContain(`/instance-auth/${first}`);
  expect(hops[0].to).not.toContain(alias);
  expect(hops.map((h) => h.status).every((status) => status === 302)).toBe(true);

  // Roll-out: version 1.2 of the same app runs, the alias is assigned to it; the same address shows it to a
  // user (not an admin), who signs in to the portal only.
  const second = await runApp(request, admin, { name, version: '1.2.0', routingMode: 'DOMAIN', title: 'Churn' });
  await page.goto('/admin/aliases');
  await row.getByLabel('Assign to instance').fill(second);
  await row.getByRole('button', { name: `Assign ${alias}`, exact: true }).click();
  await expect(row).toContainText('Churn 1.2.0');
  await expect(row).toContainText('primary');
  const user = await createUser(request, { prefix: 'churn-user' });
  const userContext = await browser.newContext({ baseURL });
  const userPage = await userContext.newPage();
  await signIn(userPage, user.email, user.password);
  await userPage.goto(`http://${alias}.localhost:${port}/`);
  await userPage.waitForURL((url) => url.hostname === `${alias}.localhost` && url.pathname === '/');
  await expect(userPage.locator('#instance')).toHaveText(second);

  // Its instance terminated, the alias stays and answers the branded 404 until it is assigned again.
  expect((await request.delete(`/api/v1/instances/${second}`, { headers: admin })).status()).toBe(204);
  const gone = await userPage.goto(`http://${alias}.localhost:${port}/`);
  expect(gone?.status()).toBe(404);
  await expect(userPage.getByRole('heading', { name: `${alias} is not running` })).toBeVisible();
  await page.goto('/admin/aliases');
  await expect(row).toContainText('Not assigned: answers 404');
  await expect(row).toContainText('primary when assigned');
  await userContext.close();

  // It kept its primary flag: `assign` alone makes it the primary of the instance it now points at.
  const reassigned = await request.patch(`/api/v1/aliases/${alias}`, { headers: admin, data: { instanceId: first } });
  expect((await reassigned.json()).primary).toBe(true);
  await page.goto(`http://${first}.localhost:${port}/`);
  await page.waitForURL((url) => url.hostname === `${alias}.localhost` && url.pathname === '/');
  await expect(page.locator('#instance')).toHaveText(first);
});

test('alias rules through the API: admin only, DNS labels, one primary, 302 from non-primary, BASE_URL prefix, authorization unchanged', async ({ request, baseURL }) => {
  const admin = await asAdmin(request);
  const user = await createUser(request, { prefix: 'alias-user' });
  const userAuth = { Authorization: `Bearer ${await tokenFor(request, user.email, user.password)}` };
  const id = await runApp(request, admin, { name: unique('aliased'), routingMode: 'BASE_URL' });
  const a = unique('main').toLowerCase();
  const b = unique('other').toLowerCase();

  expect((await request.post('/api/v1/aliases', { headers: userAuth, data: { name: a, instanceId: id } })).status()).toBe(403);
  expect((await request.get('/api/v1/aliases', { headers: userAuth })).status()).toBe(403);
  const bad = await request.post('/api/v1/aliases', { headers: admin, data: { name: 'Not_A_Label', instanceId: id } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).errors[0].path).toBe('name');
  expect((await request.post('/api/v1/aliases', { headers: admin, data: { name: a, instanceId: id, primary: true } })).status()).toBe(201);
  expect((await request.post('/api/v1/aliases', { headers: admin, data: { name: a, instanceId: id } })).status()).toBe(409);
  expect((await request.post('/api/v1/aliases', { headers: admin, data: { name: b, instanceId: id } })).status()).toBe(201);

  // BASE_URL: /alias/<name>/ serves the instance; its id and the non-primary alias redirect to the primary
  // (for a user who may open it: the instance is ALL_USERS).
  const session = await sessionFor(baseURL!, user);
  const viaId = await session.get(`/instance/${id}/headers?q=1`, { maxRedirects: 0 });
  expect(viaId.status()).toBe(302);
  expect(viaId.headers().location).toBe(`${baseURL}/alias/${a}/headers?q=1`);
  const viaOther = await session.get(`/alias/${b}/headers`, { maxRedirects: 0 });
  expect(viaOther.headers().location).toBe(`${baseURL}/alias/${a}/headers`);
  // Promoting the other one swaps them, on the next request.
  expect((await (await request.patch(`/api/v1/aliases/${b}`, { headers: admin, data: { primary: true } })).json()).primary).toBe(true);
  expect((await session.get(`/alias/${a}/`, { maxRedirects: 0 })).headers().location).toBe(`${baseURL}/alias/${b}/`);
  expect((await (await request.get(`/api/v1/aliases/${a}`, { headers: admin })).json()).primary).toBe(false);
  // The instance is ALL_USERS: through its alias, anonymous callers are still asked to sign in, never let in.
  const anonymous = await request.get(`/alias/${b}/headers`, { maxRedirects: 0, headers: { Accept: 'text/html' } });
  expect(anonymous.status()).toBe(302);
  expect(anonymous.headers().location).toContain('/login?next=');
  // The DOMAIN form of a BASE_URL alias answers 307 to the BASE_URL form.
  const port = new URL(baseURL!).port;
  const wrongForm = await request.get(`${baseURL}/x`, { maxRedirects: 0, headers: { Host: `${b}.localhost:${port}` } });
  expect(wrongForm.status()).toBe(307);
  expect(wrongForm.headers().location).toBe(`${baseURL}/alias/${b}/x`);
  // The instance's JSON shows its primary alias URL.
  expect((await (await request.get(`/api/v1/instances/${id}`, { headers: admin })).json()).url).toBe(`${baseURL}/alias/${b}/`);
  expect((await request.delete(`/api/v1/aliases/${a}`, { headers: admin })).status()).toBe(204);
  expect((await session.get(`/alias/${a}/`, { maxRedirects: 0 })).status()).toBe(404);
  await session.dispose();
});

test('authorization comes before the alias redirect: a stranger learns no alias of a PRIVATE instance; the gateway’s own answers carry the security headers', async ({
  request,
  browser,
  baseURL,
}) => {
  const admin = await asAdmin(request);
  const owner = await createUser(request, { prefix: 'private-owner' });
  const stranger = await createUser(request, { prefix: 'private-stranger' });
  const ownerAuth = { Authorization: `Bearer ${await tokenFor(request, owner.email, owner.password)}` };
  const app = await importApp(request, ownerAuth, { name: unique('private'), routingMode: 'BASE_URL' });
  // Two PRIVATE instances of the same app; only one gets an alias. Neither needs to be running for this.
  const aliased = await startInstance(request, ownerAuth, app.id, 'PRIVATE');
  const plain = await startInstance(request, ownerAuth, app.id, 'PRIVATE');
  const alias = unique('secret').toLowerCase();
  expect((await request.post('/api/v1/aliases', { headers: admin, data: { name: alias, instanceId: aliased, primary: true } })).status()).toBe(201);

  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await signIn(page, stranger.email, stranger.password);
  const html = { Accept: 'text/html' };
  const unaliased = await page.request.get(`/instance/${plain}/`, { maxRedirects: 0, headers: html });
  expect(unaliased.status()).toBe(404);
  const expected = await unaliased.text();
  for (const path of [`/instance/${aliased}/`, `/alias/${alias}/`]) {
    const res = await page.request.get(path, { maxRedirects: 0, headers: html });
    expect(res.status(), path).toBe(404);
    expect(res.headers().location, path).toBeUndefined();
    const body = await res.text();
    expect(body, path).toBe(expected);
    expect(body, path).not.toContain(alias);
  }
  // A POST from the stranger: the same 404, never a redirect naming the alias.
  const post = await page.request.post(`/instance/${aliased}/form`, { maxRedirects: 0, data: 'x=1' });
  expect(post.status()).toBe(404);
  expect(await post.text()).not.toContain(alias);

  // The gateway's own answers (pages, redirects) carry nosniff, a referrer policy and no framing.
  const anonymousPage = await request.get(`/instance/${plain}/`, { maxRedirects: 0, headers: html });
  expect(anonymousPage.status()).toBe(302);
  for (const res of [unaliased, anonymousPage]) {
    expect(res.headers()['x-content-type-options']).toBe('nosniff');
    expect(res.headers()['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(res.headers()['x-frame-options']).toBe('DENY');
    expect(res.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  }
  await context.close();
});

test('a BASE_URL instance restarts under a primary alias made after it started: the app sees H2O_WAVE_BASE_URL=/alias/<a>/, and its websocket works there', async ({
  page,
  request,
  baseURL,
}) => {
  const admin = await asAdmin(request);
  const name = unique('wave-base');
  const id = await runApp(request, admin, { name, routingMode: 'BASE_URL' });
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  expect(await (await page.request.get(`/instance/${id}/base`)).text()).toBe(`/instance/${id}/`);

  const alias = unique('wave').toLowerCase();
  expect((await request.post('/api/v1/aliases', { headers: admin, data: { name: alias, instanceId: id, primary: true } })).status()).toBe(201);
  // Restarted under its new prefix (it answers 503 while it restarts).
  await expect
    .poll(async () => {
      const res = await page.request.get(`/alias/${alias}/base`, { maxRedirects: 0 });
      return res.ok() ? res.text() : String(res.status());
    }, { timeout: 30_000 })
    .toBe(`/alias/${alias}/`);
  await deployed(request, admin, id);
  // Proxied app traffic keeps the app's own headers: the gateway's are only on its own answers.
  expect((await page.request.get(`/alias/${alias}/base`)).headers()['x-frame-options']).toBeUndefined();
  await page.goto(`/alias/${alias}/`);
  await expect(page.locator('#path')).toHaveText(`/alias/${alias}/`);
  const ws = `ws://127.0.0.1:${new URL(baseURL!).port}`;
  expect(await echoThroughWebsocket(page, `${ws}/alias/${alias}/ws`)).toBe('echo: ping');
  // The UUID URL: pages are redirected to the alias, but a websocket or a POST is never redirected (browsers
  // do not follow that): they are proxied under the prefix the app was started with.
  expect(await echoThroughWebsocket(page, `${ws}/instance/${id}/ws`)).toBe('echo: ping');
  const post = await page.request.post(`/instance/${id}/base`, { maxRedirects: 0, data: 'x=1' });
  expect(post.status()).toBe(501); // the probe has no POST handler: the app answered, not the gateway
  await page.goto(`/admin/audit?app=${encodeURIComponent(name)}`);
  await expect(page.getByTestId('audit-row').filter({ hasText: `restarted under /alias/${alias}/ (primary alias changed)` })).toHaveCount(1);

  // Unassigned, it has no primary any more: it is restarted under its own /instance/<id>/ again.
  expect((await request.patch(`/api/v1/aliases/${alias}`, { headers: admin, data: { instanceId: null } })).status()).toBe(200);
  await expect
    .poll(async () => {
      const res = await page.request.get(`/instance/${id}/base`, { maxRedirects: 0 });
      return res.ok() ? res.text() : String(res.status());
    }, { timeout: 30_000 })
    .toBe(`/instance/${id}/`);
});

test('the admin aliases page: Make primary, Unassign and Delete; the instance page lists its aliases', async ({ page, request }) => {
  const admin = await asAdmin(request);
  const app = await importApp(request, admin, { name: unique('buttons'), routingMode: 'DOMAIN' });
  const id = await startInstance(request, admin, app.id);
  const a = unique('first').toLowerCase();
  const b = unique('second').toLowerCase();
  expect((await request.post('/api/v1/aliases', { headers: admin, data: { name: a, instanceId: id, primary: true } })).status()).toBe(201);
  expect((await request.post('/api/v1/aliases', { headers: admin, data: { name: b, instanceId: id } })).status()).toBe(201);

  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await page.goto(`/instances/${id}`);
  await expect(page.getByText(`Aliases: ${a} (primary), ${b}`)).toBeVisible();

  await page.goto('/admin/aliases');
  const rowA = page.getByTestId('alias-row').filter({ hasText: a });
  const rowB = page.getByTestId('alias-row').filter({ hasText: b });
  await rowB.getByRole('button', { name: `Make primary ${b}` }).click();
  await expect(rowB.getByText('primary', { exact: true })).toBeVisible();
  await expect(rowA.getByText('primary', { exact: true })).toHaveCount(0);
  expect((await (await request.get(`/api/v1/aliases/${b}`, { headers: admin })).json()).primary).toBe(true);

  await rowA.getByRole('button', { name: `Unassign ${a}` }).click();
  await expect(rowA).toContainText('Not assigned: answers 404');
  expect((await (await request.get(`/api/v1/aliases/${a}`, { headers: admin })).json()).instanceId).toBeNull();

  page.once('dialog', (dialog) => void dialog.accept());
  await rowB.getByRole('button', { name: `Delete ${b}` }).click();
  await expect(rowB).toHaveCount(0);
  expect((await request.get(`/api/v1/aliases/${b}`, { headers: admin })).status()).toBe(404);
  await page.goto(`/instances/${id}`);
  await expect(page.getByText(/^Aliases:/)).toHaveCount(0);
  expect((await request.delete(`/api/v1/instances/${id}`, { headers: admin })).status()).toBe(204);
});
