// Running apps in the browser: Run on an app page, the app inside the portal's URL (BASE_URL) and on its
// own host (DOMAIN, with the sign-in handoff), pause/resume with the volume kept, terminate, websockets.
import { chromium, expect, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { importBundle } from './bundles';
import { createUser, signIn, tokenFor, unique, type TestUser } from './helpers';
import { echoThroughWebsocket, instanceAppBundle, type InstanceAppOptions } from './instance-app';

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
  // A first start builds the version's environment: the stages are shown while it is PENDING.
  const stages = page.getByRole('list', { name: 'Start-up stages' });
  await expect(stages).toBeVisible();
  await expect(stages).toContainText('Sourcing the app bundle');
  await expect(stages).toContainText('Installing dependencies');
  await expect(stages).toContainText('Starting the app');
  return idFrom(page.url());
}

/** Where the app of an instance answers: `/instance/<id>/` on the portal (BASE_URL) or `<id>.localhost` (DOMAIN). */
function appUrlOf(page: Page, id: string, routingMode: 'BASE_URL' | 'DOMAIN'): string {
  const port = new URL(page.url()).port;
  return routingMode === 'BASE_URL' ? `http://127.0.0.1:${port}/instance/${id}/` : `http://${id}.localhost:${port}/`;
}

for (const routingMode of ['BASE_URL', 'DOMAIN'] as const) {
  test(`${routingMode}: Run shows the start-up stages, then the app with its instance id, secret and file; the volume survives pause and resume; terminate removes it`, async ({
    page,
    request,
  }) => {
    const secret = unique('api').toLowerCase();
    const { user, name } = await userWithApp(request, { secret, secretValue: 'secret-value-42', routingMode });
    const id = await runFromAppPage(page, user, name);
    const appUrl = appUrlOf(page, id, routingMode);

    await page.waitForURL(appUrl, { timeout: 30_000 });
    await expect(page.locator('#instance')).toHaveText(id);
    await expect(page.locator('#secret')).toHaveText('secret-value-42');
    await expect(page.locator('#file')).toHaveText('file-content-from-app-toml');
    // The app writes to its volume (a request from its own page, relative to where it is served).
    expect(await page.evaluate(() => fetch('write?text=kept-across-pause').then((r) => r.text()))).toBe('written');
    // A websocket from the app's own page (on DOMAIN, the app host's session cookie goes with it).
    const wsUrl = new URL('ws', appUrl);
    wsUrl.protocol = 'ws:';
    expect(await echoThroughWebsocket(page, wsUrl.href)).toBe('echo: ping');
    // The app tried to overwrite the portal's session cookie: the portal still knows who this is.
    await page.goto('/instances');
    await expect(page.getByTestId('signed-in-as')).toHaveText(user.name);

    await page.goto(`/instances/${id}`);
    await expect(page.getByTestId('instance-log')).toContainText('Installing dependencies');
    // What it uses, read from its cgroups (this host lets the portal create them).
    await expect(page.getByTestId('instance-usage')).toContainText(/MiB memory · \d+\.\d s CPU/);
    await page.getByRole('button', { name: /^Pause/ }).click();
    await expect(page.getByTestId('instance-status')).toHaveText('SUSPENDED');
    await page.goto(appUrl);
    await expect(page).toHaveURL(new RegExp(`/instances/${id}\\?open=1`));
    await expect(page.getByText('Instance probe is paused.')).toBeVisible();
    await page.getByRole('button', { name: /^Resume/ }).click();
    await page.waitForURL(appUrl, { timeout: 30_000 });
    await expect(page.locator('#note')).toHaveText('kept-across-pause');

    await page.goto(`/instances/${id}`);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: /^Terminate/ }).click();
    await page.waitForURL(/\/instances$/);
    await expect(page.getByText('You have no instances.')).toBeVisible();
    const gone = await page.request.get(`/instance/${id}/`, { maxRedirects: 0 });
    expect(gone.status()).toBe(404);
  });
}

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

test('the app page offers Open and Run another; My instances counts down to suspension, keeps an instance running and links its logs', async ({
  page,
  request,
}) => {
  const { user, auth, name } = await userWithApp(request, { routingMode: 'BASE_URL', instanceTimeout: '10m' });
  const first = await runFromAppPage(page, user, name);
  await page.waitForURL(new RegExp(`/instance/${first}/$`), { timeout: 30_000 });

  // With an instance of this version: Open (the newest) and Run another.
  await page.goto(`/apps/${name}/1.0.0`);
  await expect(page.getByRole('button', { name: 'Run', exact: true })).toHaveCount(0);
  await page.getByRole('link', { name: /^Open your newest instance/ }).click();
  await page.waitForURL(new RegExp(`/instance/${first}/$`), { timeout: 30_000 });
  await page.goto(`/apps/${name}/1.0.0`);
  await page.getByRole('button', { name: 'Run another' }).click();
  await page.waitForURL(/\/instances\/[0-9a-f-]{36}\?open=1/);
  const second = idFrom(page.url());
  expect(second).not.toBe(first);
  await page.waitForURL(new RegExp(`/instance/${second}/$`), { timeout: 30_000 });
  await page.goto(`/apps/${name}/1.0.0`);
  await expect(page.getByRole('link', { name: /^Open your newest instance/ })).toHaveAttribute('href', `/instances/${second}?open=1`);

  await page.goto('/instances');
  const row = page.getByTestId('instance-row').filter({ has: page.locator(`a[href="/instances/${first}"]`) });
  // A live countdown: it changes while the page stays open.
  const countdown = row.getByTestId('suspend-countdown');
  await expect(countdown).toHaveText(/^suspends after \d+ min \d+ s without traffic$/);
  const shown = await countdown.textContent();
  await expect(countdown).not.toHaveText(shown!);

  // Keep running: the idle deadline starts again from now.
  const before = Date.parse((await (await request.get(`/api/v1/instances/${first}`, { headers: auth })).json()).suspendAfter);
  const clickedAt = Date.now();
  await row.getByRole('button', { name: /^Keep running/ }).click();
  await expect
    .poll(async () => Date.parse((await (await request.get(`/api/v1/instances/${first}`, { headers: auth })).json()).suspendAfter))
    .toBeGreaterThan(before);
  const after = Date.parse((await (await request.get(`/api/v1/instances/${first}`, { headers: auth })).json()).suspendAfter);
  expect(after).toBeGreaterThanOrEqual(clickedAt + 10 * 60_000 - 2_000);

  // Logs: the owner may read them; the link opens the instance page at its log.
  await row.getByRole('link', { name: /^Logs/ }).click();
  await expect(page).toHaveURL(new RegExp(`/instances/${first}#logs$`));
  await expect(page.getByRole('heading', { name: 'Logs' })).toBeVisible();
  await expect(page.getByTestId('instance-log')).toContainText('Starting the app');

  for (const id of [first, second]) expect((await request.delete(`/api/v1/instances/${id}`, { headers: auth })).status()).toBe(204);
});

test('Restart starts a FAILED instance again (its log shows the second start)', async ({ page, request }) => {
  const { user, auth, app } = await userWithApp(request, { routingMode: 'BASE_URL', failing: true });
  const started = await request.post('/api/v1/instances', { headers: auth, data: { appId: app.id } });
  expect(started.status()).toBe(201);
  const { id } = await started.json();
  await expect.poll(async () => (await (await request.get(`/api/v1/instances/${id}`, { headers: auth })).json()).status, { timeout: 30_000 }).toBe('FAILED');

  await signIn(page, user.email, user.password);
  await page.goto(`/instances/${id}`);
  await expect(page.getByTestId('instance-status')).toHaveText('FAILED');
  const log = page.getByTestId('instance-log');
  await expect(log).toContainText('boom: DATABASE_URL is not configured');
  const starts = async () => ((await log.textContent()) ?? '').split('Start failed').length - 1;
  expect(await starts()).toBe(1);
  await page.getByRole('button', { name: /^Restart/ }).click();
  await expect.poll(starts, { timeout: 30_000 }).toBe(2);
  await expect(page.getByTestId('instance-status')).toHaveText('FAILED');
  expect((await request.delete(`/api/v1/instances/${id}`, { headers: auth })).status()).toBe(204);
});

/** The session cookie of a user signed in through the login form (what an attacker would plant). */
async function sessionCookieOf(browser: Browser, baseURL: string, user: TestUser): Promise<string> {
  const context = await browser.newContext({ baseURL });
  await signIn(await context.newPage(), user.email, user.password);
  const cookie = (await context.cookies()).find((c) => c.name === 'authjs.session-token');
  await context.close();
  expect(cookie).toBeDefined();
  return cookie!.value;
}

test("cookie tossing: an app host cannot make the portal take a planted session cookie", async ({ browser, request, baseURL }) => {
  const port = new URL(baseURL!).port;
  const attacker = await createUser(request, { prefix: 'tosser' });
  const victim = await createUser(request, { prefix: 'victim' });
  const planted = await sessionCookieOf(browser, baseURL!, attacker);

  // 1. The real app host, <id>.localhost, below the portal's host `localhost`: the attacker's app is PUBLIC.
  const attackerAuth = { Authorization: `Bearer ${await tokenFor(request, attacker.email, attacker.password)}` };
  const name = unique('tosser-app');
  const imported = await importBundle(request, attackerAuth, await instanceAppBundle({ name, routingMode: 'DOMAIN' }));
  expect(imported.status(), await imported.text()).toBe(201);
  const started = await request.post('/api/v1/instances', { headers: attackerAuth, data: { appId: (await imported.json()).id, visibility: 'PUBLIC' } });
  const { id } = await started.json();
  await expect.poll(async () => (await (await request.get(`/api/v1/instances/${id}`, { headers: attackerAuth })).json()).status, { timeout: 30_000 }).toBe('DEPLOYED');

  const victimContext = await browser.newContext({ baseURL: `http://localhost:${port}` });
  const victimPage = await victimContext.newPage();
  await signIn(victimPage, victim.email, victim.password);
  await victimPage.goto(`http://${id}.localhost:${port}/`);
  await expect(victimPage.locator('#instance')).toHaveText(id);
  // The app's own JavaScript (run in its page) tries to set the portal's cookie for the parent domain.
  await victimPage.evaluate((value) => {
    document.cookie = `authjs.session-token=${value}; Domain=localhost; Path=/`;
  }, planted);
  // Chromium refuses it: `localhost` is not a registrable domain, so a Domain attribute must equal the host.
  // (On a real domain it is accepted: part 2.)
  expect((await victimContext.cookies()).filter((c) => c.name === 'authjs.session-token').map((c) => c.domain)).toEqual(['localhost']);
  await victimPage.goto(`http://localhost:${port}/instances`);
  await expect(victimPage.getByTestId('signed-in-as')).toHaveText(victim.name);
  await victimContext.close();

  // 2. A portal at portal.example.com with a sibling host apps.example.com (both resolved to this server): the
  //    browser accepts `Domain=example.com` and sends the portal two session cookies. The portal cannot tell
  //    which is the user's: it treats the request as signed out, never as the attacker.
  const sibling = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', `--host-resolver-rules=MAP portal.example.com 127.0.0.1, MAP apps.example.com 127.0.0.1`],
  });
  try {
    const context = await sibling.newContext({ baseURL: `http://portal.example.com:${port}` });
    // The sibling host's page: any page there can run this script (an app's, on a real APPS_DOMAIN).
    await context.route(`http://apps.example.com:${port}/**`, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>An app</title><p>app</p>' }));
    const portalPage = await context.newPage();
    await signIn(portalPage, victim.email, victim.password);
    await portalPage.goto(`http://apps.example.com:${port}/`);
    await portalPage.evaluate((value) => {
      document.cookie = `authjs.session-token=${value}; Domain=example.com; Path=/`;
    }, planted);
    // document.cookie is set in the page's process; the browser's cookie store learns it a moment later.
    await expect
      .poll(async () => (await context.cookies()).filter((c) => c.name === 'authjs.session-token').map((c) => c.domain).sort())
      .toEqual(['.example.com', 'portal.example.com']);
    await portalPage.goto('/instances');
    await expect(portalPage).toHaveURL(/\/login/);
    await expect(portalPage.getByTestId('signed-in-as')).toHaveCount(0);
    // Without the planted cookie the user's own session works again.
    await context.clearCookies({ domain: '.example.com' });
    await portalPage.goto('/instances');
    await expect(portalPage.getByTestId('signed-in-as')).toHaveText(victim.name);
  } finally {
    await sibling.close();
  }
  expect((await request.delete(`/api/v1/instances/${id}`, { headers: attackerAuth })).status()).toBe(204);
});
