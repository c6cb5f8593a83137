// Aliases end to end: an admin gives a running instance a primary alias, its UUID URL redirects there, the
// alias follows a roll-out to a new version, and an alias whose instance is gone answers a branded 404.
import { expect, test, type APIRequestContext } from '@playwright/test';
import { importBundle } from './bundles';
import { asAdmin, createUser, E2E_ADMIN, signIn, tokenFor, unique } from './helpers';
import { instanceAppBundle, type InstanceAppOptions } from './instance-app';

test.setTimeout(120_000);

async function runApp(request: APIRequestContext, auth: Record<string, string>, options: InstanceAppOptions & { version?: string }) {
  const bundle = await instanceAppBundle(options);
  const res = await importBundle(request, auth, bundle, 'ALL_USERS');
  expect(res.status(), await res.text()).toBe(201);
  const app = await res.json();
  const started = await request.post('/api/v1/instances', { headers: auth, data: { appId: app.id, visibility: 'ALL_USERS' } });
  expect(started.status()).toBe(201);
  const { id } = await started.json();
  await expect.poll(async () => (await (await request.get(`/api/v1/instances/${id}`, { headers: auth })).json()).status, { timeout: 30_000 }).toBe('DEPLOYED');
  return id as string;
}

test('an admin gives an instance a primary alias; the UUID URL lands on it; a roll-out moves it; a terminated target answers 404', async ({ page, request, baseURL }) => {
  const admin = await asAdmin(request);
  const port = new URL(baseURL!).port;
  const name = unique('rollout');
  const first = await runApp(request, admin, { name, routingMode: 'DOMAIN', title: 'Churn one' });
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

  // The UUID URL redirects (302) to the primary alias, which shows the app.
  // (Node does not resolve *.localhost as Chromium does: the API request names the host in its header.)
  const redirect = await page.request.get(`${baseURL}/`, { maxRedirects: 0, headers: { Host: `${first}.localhost:${port}` } });
  expect(redirect.status()).toBe(302);
  expect(redirect.headers().location).toBe(`http://${alias}.localhost:${port}/`);
  await page.goto(`http://${first}.localhost:${port}/`);
  await page.waitForURL((url) => url.hostname === `${alias}.localhost` && url.pathname === '/');
  await expect(page.locator('#instance')).toHaveText(first);

  // Roll-out: a new version runs, the alias is assigned to it; the same address shows the new one.
  const second = await runApp(request, admin, { name: `${name}-v2`, routingMode: 'DOMAIN', title: 'Churn two' });
  await page.goto('/admin/aliases');
  await row.getByLabel('Assign to instance').fill(second);
  await row.getByRole('button', { name: `Assign ${alias}`, exact: true }).click();
  await expect(row).toContainText('Churn two');
  await page.goto(`http://${alias}.localhost:${port}/`);
  await expect(page.locator('#instance')).toHaveText(second);

  // Its instance terminated, the alias stays and answers the branded 404 until it is assigned again.
  expect((await request.delete(`/api/v1/instances/${second}`, { headers: admin })).status()).toBe(204);
  const gone = await page.goto(`http://${alias}.localhost:${port}/`);
  expect(gone?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: `${alias} is not running` })).toBeVisible();
  await page.goto('/admin/aliases');
  await expect(row).toContainText('Not assigned: answers 404');
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

  // BASE_URL: /alias/<name>/ serves the instance; its id and the non-primary alias redirect to the primary.
  const viaId = await request.get(`/instance/${id}/headers?q=1`, { maxRedirects: 0 });
  expect(viaId.status()).toBe(302);
  expect(viaId.headers().location).toBe(`${baseURL}/alias/${a}/headers?q=1`);
  const viaOther = await request.get(`/alias/${b}/headers`, { maxRedirects: 0 });
  expect(viaOther.headers().location).toBe(`${baseURL}/alias/${a}/headers`);
  // Promoting the other one swaps them, on the next request.
  expect((await (await request.patch(`/api/v1/aliases/${b}`, { headers: admin, data: { primary: true } })).json()).primary).toBe(true);
  expect((await request.get(`/alias/${a}/`, { maxRedirects: 0 })).headers().location).toBe(`${baseURL}/alias/${b}/`);
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
  // The instance's JSON shows its primary alias URL, and its page lists its aliases.
  expect((await (await request.get(`/api/v1/instances/${id}`, { headers: admin })).json()).url).toBe(`${baseURL}/alias/${b}/`);
  expect((await request.delete(`/api/v1/aliases/${a}`, { headers: admin })).status()).toBe(204);
  expect((await request.get(`/alias/${a}/`, { maxRedirects: 0 })).status()).toBe(404);
});
