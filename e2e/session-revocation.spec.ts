// Session revocation: a session cookie copied before sign-out, an administrator's password reset or "Sign out
// everywhere" stops working at once (pages, API and app hosts), and the last two revoke API tokens too.
import { expect, request as playwrightRequest, test, type APIRequestContext, type Page } from '@playwright/test';
import { importBundle } from './bundles';
import { asAdmin, createUser, signIn, tokenFor, unique } from './helpers';
import { instanceAppBundle } from './instance-app';

/** A second client holding a copy of the page's session cookie, as a thief would. */
async function copyOfSession(page: Page, baseURL: string): Promise<APIRequestContext> {
  const cookie = (await page.context().cookies()).find((c) => c.name === 'authjs.session-token');
  expect(cookie, 'signed in with a session cookie').toBeTruthy();
  return playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { cookie: `authjs.session-token=${cookie!.value}` } });
}

async function expectSignedIn(copy: APIRequestContext, signedIn: boolean) {
  expect((await copy.get('/api/v1/auth/whoami')).status()).toBe(signedIn ? 200 : 401);
  const page = await copy.get('/account', { maxRedirects: 0 });
  if (signedIn) expect(page.status()).toBe(200);
  else expect(page.headers().location ?? '').toContain('/login');
}

const whoami = (request: APIRequestContext, token: string) =>
  request.get('/api/v1/auth/whoami', { headers: { Authorization: `Bearer ${token}` } });

test('after sign-out, a copy of the session cookie no longer works; API tokens stay', async ({ page, request, baseURL }) => {
  const user = await createUser(request);
  const token = await tokenFor(request, user.email, user.password);
  await signIn(page, user.email, user.password);
  const copy = await copyOfSession(page, baseURL!);
  try {
    await expectSignedIn(copy, true);
    await page.getByTestId('signed-in-as').click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/login/);
    await expectSignedIn(copy, false);
    expect((await whoami(request, token)).status()).toBe(200);
    // Signing in again gives a working session.
    await signIn(page, user.email, user.password);
    await page.goto('/account');
    await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
  } finally {
    await copy.dispose();
  }
});

test("an administrator's password reset ends the user's sessions and revokes their API tokens", async ({ page, request, baseURL }) => {
  const user = await createUser(request);
  const token = await tokenFor(request, user.email, user.password);
  await signIn(page, user.email, user.password);
  const copy = await copyOfSession(page, baseURL!);
  try {
    await expectSignedIn(copy, true);
    const reset = await request.patch(`/api/v1/users/${user.id}`, { headers: await asAdmin(request), data: { password: 'reset-password-1' } });
    expect(reset.status(), await reset.text()).toBe(200);
    await expectSignedIn(copy, false);
    expect((await whoami(request, token)).status()).toBe(401);
    await page.goto('/account');
    await expect(page).toHaveURL(/\/login/);
    await signIn(page, user.email, 'reset-password-1');
  } finally {
    await copy.dispose();
  }
});

test('"Sign out everywhere" ends the sessions of every browser and revokes API tokens', async ({ page, browser, request, baseURL }) => {
  const user = await createUser(request);
  const token = await tokenFor(request, user.email, user.password);
  const elsewhere = await browser.newContext({ baseURL });
  const otherDevice = await elsewhere.newPage();
  try {
    await signIn(otherDevice, user.email, user.password);
    await signIn(page, user.email, user.password);
    await page.getByTestId('signed-in-as').click();
    await page.getByRole('link', { name: 'Your account' }).click();
    await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await expect(page).toHaveURL(/\/login/);
    await otherDevice.goto('/account');
    await expect(otherDevice).toHaveURL(/\/login/);
    expect((await whoami(request, token)).status()).toBe(401);
    await page.goto('/account');
    await expect(page).toHaveURL(/\/login/);
  } finally {
    await elsewhere.close();
  }
});

test("an app host's session (DOMAIN routing) ends with the portal's sign-out", async ({ page, request }) => {
  test.setTimeout(120_000);
  const user = await createUser(request, { prefix: 'revoke' });
  const auth = { Authorization: `Bearer ${await tokenFor(request, user.email, user.password)}` };
  const name = unique('revoke');
  const imported = await importBundle(request, auth, await instanceAppBundle({ name, routingMode: 'DOMAIN' }));
  expect(imported.status(), await imported.text()).toBe(201);

  await signIn(page, user.email, user.password);
  await page.goto(`/apps/${name}/1.0.0`);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.waitForURL((url) => url.hostname.endsWith('.localhost') && url.pathname === '/', { timeout: 60_000 });
  const appHost = await page.context().newPage();
  await appHost.goto(page.url());
  const fetchHeaders = () => appHost.evaluate(() => fetch('/headers').then((r) => r.status));
  expect(await fetchHeaders()).toBe(200);

  const portal = await page.context().newPage();
  await portal.goto('/');
  await portal.getByTestId('signed-in-as').click();
  await portal.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(portal).toHaveURL(/\/login/);
  // The host cookie is still in the browser, but no longer a session: the app answers 404 to anything but a page.
  expect((await appHost.context().cookies(appHost.url())).some((c) => c.name === '__appstore_host')).toBe(true);
  expect(await fetchHeaders()).toBe(404);
  const id = new URL(appHost.url()).hostname.split('.')[0];
  expect((await request.delete(`/api/v1/instances/${id}`, { headers: auth })).status()).toBe(204);
});
