// Running apps in the browser: Run on an app page, the app inside the portal's URL (BASE_URL) and on its
// own host (DOMAIN, with the sign-in handoff), pause/resume with the volume kept, terminate, websockets.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { importBundle } from './bundles';
import { createUser, signIn, tokenFor, unique, type TestUser } from './helpers';
import { instanceAppBundle, type InstanceAppOptions } from './instance-app';

test.setTimeout(120_000);

async function userWithApp(request: APIRequestContext, options: Omit<InstanceAppOptions, 'name'> & { secretValue?: string }) {
  const user = await createUser(request, { prefix: 'runner' });
  const auth = { Authorization: `Bearer ${await tokenFor(request, user.email, user.password)}` };
  if (options.secret) {
    const res = await request.post('/api/v1/secrets', { headers: auth, data: { name: options.secret, values: { token: options.secretValue } } });
    expect(res.status(), await res.text()).toBe(201);
  }
  const name = unique('probe');
  const res = await importBundle(request, auth, await instanceAppBundle({ name, ...options }));
  expect(res.status(), await res.text()).toBe(201);
  return { user, auth, name, app: await res.json() };
}

const idFrom = (url: string) => /\/instances\/([0-9a-f-]{36})/.exec(url)?.[1] ?? '';

async function runFromAppPage(page: Page, user: TestUser, name: string): Promise<string> {
  await signIn(page, user.email, user.password);
  await page.goto(`/apps/${name}/1.0.0`);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.waitForURL(/\/instances\/[0-9a-f-]{36}\?open=1/);
  return idFrom(page.url());
}

const echoThroughWebsocket = (page: Page, url: string) =>
  page.evaluate(
    (wsUrl) =>
      new Promise<string>((resolve, reject) => {
        const ws = new WebSocket(wsUrl);
        ws.onopen = () => ws.send('ping');
        ws.onmessage = (e) => {
          resolve(String(e.data));
          ws.close();
        };
        ws.onerror = () => reject(new Error('websocket failed'));
      }),
    url,
  );

test('Run opens the app inside the portal URL with its instance id, secret and file; the volume survives pause and resume; terminate removes it', async ({
  page,
  request,
}) => {
  const secret = unique('api').toLowerCase();
  const { user, name } = await userWithApp(request, { secret, secretValue: 'secret-value-42', routingMode: 'BASE_URL' });
  const id = await runFromAppPage(page, user, name);

  await page.waitForURL(new RegExp(`/instance/${id}/$`), { timeout: 30_000 });
  await expect(page.locator('#instance')).toHaveText(id);
  await expect(page.locator('#secret')).toHaveText('secret-value-42');
  await expect(page.locator('#file')).toHaveText('file-content-from-app-toml');
  // The app tried to overwrite the portal's session cookie: the portal still knows who this is.
  await page.goto('/instances');
  await expect(page.getByTestId('signed-in-as')).toHaveText(user.name);

  expect(await echoThroughWebsocket(page, `ws://127.0.0.1:${new URL(page.url()).port}/instance/${id}/ws`)).toBe('echo: ping');
  const written = await page.request.get(`/instance/${id}/write?text=kept-across-pause`);
  expect(await written.text()).toBe('written');

  await page.goto(`/instances/${id}`);
  await expect(page.getByTestId('instance-log')).toContainText('Installing dependencies');
  // What it uses, read from its cgroups (this host lets the portal create them).
  await expect(page.getByTestId('instance-usage')).toContainText(/MiB memory · \d+\.\d s CPU/);
  await page.getByRole('button', { name: /^Pause/ }).click();
  await expect(page.getByTestId('instance-status')).toHaveText('SUSPENDED');
  await page.goto(`/instance/${id}/`);
  await expect(page).toHaveURL(new RegExp(`/instances/${id}\\?open=1`));
  await expect(page.getByText('Instance probe is paused.')).toBeVisible();
  await page.getByRole('button', { name: /^Resume/ }).click();
  await page.waitForURL(new RegExp(`/instance/${id}/$`), { timeout: 30_000 });
  await expect(page.locator('#note')).toHaveText('kept-across-pause');

  await page.goto(`/instances/${id}`);
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: /^Terminate/ }).click();
  await page.waitForURL(/\/instances$/);
  await expect(page.getByText('You have no instances.')).toBeVisible();
  const gone = await page.request.get(`/instance/${id}/`, { maxRedirects: 0 });
  expect(gone.status()).toBe(404);
});

test('DOMAIN routing: the app opens at <id>.localhost after a one-time handoff, never sees portal credentials, and echoes a websocket', async ({
  page,
  request,
}) => {
  const { user, name } = await userWithApp(request, { routingMode: 'DOMAIN' });
  const id = await runFromAppPage(page, user, name);
  await page.waitForURL((url) => url.hostname === `${id}.localhost` && url.pathname === '/', { timeout: 30_000 });
  await expect(page.locator('#instance')).toHaveText(id);
  // The handoff code is not left in the address bar, and the portal's session cookie is not on this host.
  expect(page.url()).not.toContain('code=');
  const headers = await page.evaluate(() => fetch('/headers', { headers: { Authorization: 'Bearer portal-token' } }).then((r) => r.json()));
  expect(JSON.stringify(headers)).not.toMatch(/authjs|__appstore_host|portal-token/);
  expect(headers.authorization).toBeUndefined();
  expect(await echoThroughWebsocket(page, `ws://${id}.localhost:${new URL(page.url()).port}/ws`)).toBe('echo: ping');

  // The BASE_URL form of a DOMAIN app answers 307 to its own host.
  const wrongForm = await page.request.get(`/instance/${id}/headers?x=1`, { maxRedirects: 0 });
  expect(wrongForm.status()).toBe(307);
  expect(wrongForm.headers().location).toBe(`http://${id}.localhost:${new URL(page.url()).port}/headers?x=1`);

  // Another browser, signed in as someone else, cannot open it: the handoff refuses them.
  const other = await createUser(request, { prefix: 'other' });
  const context = await page.context().browser()!.newContext({ baseURL: new URL(page.url()).origin.replace(`${id}.localhost`, '127.0.0.1') });
  const otherPage = await context.newPage();
  await signIn(otherPage, other.email, other.password);
  const refused = await otherPage.goto(`http://${id}.localhost:${new URL(page.url()).port}/`);
  expect(refused?.status()).toBe(404);
  await context.close();
});

test('a MANAGED app: other users get Visit (no Run), which opens the newest running instance', async ({ page, request }) => {
  const { auth, name, app } = await userWithApp(request, { lifecycle: 'MANAGED', routingMode: 'BASE_URL' });
  const patched = await request.patch(`/api/v1/apps/${app.id}`, { headers: auth, data: { visibility: 'ALL_USERS' } });
  expect(patched.status(), await patched.text()).toBe(200);
  const started = await request.post('/api/v1/instances', { headers: auth, data: { appId: app.id, visibility: 'ALL_USERS' } });
  expect(started.status()).toBe(201);
  const { id } = await started.json();
  await expect.poll(async () => (await (await request.get(`/api/v1/instances/${id}`, { headers: auth })).json()).status, { timeout: 30_000 }).toBe('DEPLOYED');

  const visitor = await createUser(request, { prefix: 'visit' });
  await signIn(page, visitor.email, visitor.password);
  // Its catalog card opens the running instance directly.
  await page.goto(`/?q=${encodeURIComponent(name)}`);
  await page.getByTestId('app-card').filter({ hasText: name }).getByRole('link').click();
  await page.waitForURL(new RegExp(`/instance/${id}/$`));
  await page.goto(`/apps/${name}/1.0.0`);
  await expect(page.getByRole('button', { name: 'Run', exact: true })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Start instance' })).toHaveCount(0);
  await page.getByRole('link', { name: 'Visit' }).click();
  await page.waitForURL(new RegExp(`/instance/${id}/$`));
  await expect(page.locator('#instance')).toHaveText(id);
});
