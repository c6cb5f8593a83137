// Single sign-on through a real OpenID provider (oidc-provider on loopback, lib/testing/oidc-provider.ts):
// authorization code + PKCE, state and nonce, the id_token verified by the portal; roles from the provider;
// linking, disabled users, failures with human messages; RP-initiated logout; the CLI (device grant and loopback
// redirect); and, last, the server's output checked for every code, token and secret the tests saw.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser } from '@playwright/test';
import { asAdmin, createUser, unique } from './helpers';
import { importApp } from './bundles';
import {
  expireIdpCodes,
  forgeIdpIdTokens,
  idpAccount,
  idpDown,
  idpUp,
  loginAtIdp,
  OIDC,
  offerIdpDeviceFlow,
  serverLog,
  setIdpRoles,
  signedByIdp,
  signInThroughIdp,
  startProviderSignIn,
  whoami,
} from './oidc-idp';
import { TEST_OIDC } from '../lib/testing/oidc-clients';

// The failure tests take the provider down or rotate its client secret: this file's tests run one after another.
test.describe.configure({ mode: 'default' });
test.use({ baseURL: OIDC.url });

const failure = (page: import('@playwright/test').Page) => page.getByTestId('sign-in-failure');

/** Codes, states, tokens and user codes the tests saw: the last test checks the server printed none of them. */
const seen: string[] = [];

async function freshPage(browser: Browser) {
  const context = await browser.newContext({ baseURL: OIDC.url });
  return context.newPage();
}

test('a user with the admin role at the provider lands as an administrator', async ({ page }) => {
  const account = await idpAccount({ prefix: 'idp-admin', roles: [OIDC.adminRole] });
  await signInThroughIdp(page, account);
  const { viewer } = await whoami(page);
  expect(viewer).toMatchObject({ email: account.email, isAdmin: true, fullAccess: true });
  await page.goto('/admin/users');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Users');
});

test('a user with the full-access role has full access; without it, a visitor who sees only what authorization tags expose', async ({
  page,
  browser,
  request,
}) => {
  const full = await idpAccount({ prefix: 'idp-full', roles: [OIDC.fullAccessRole] });
  await signInThroughIdp(page, full);
  expect((await whoami(page)).viewer).toMatchObject({ isAdmin: false, fullAccess: true, roles: [OIDC.fullAccessRole] });

  // Two ALL_USERS apps; only one carries an authorization tag for the visitor's role.
  const team = unique('team');
  const admin = await asAdmin(request);
  const tag = unique('AUTHZ').toUpperCase().replace(/-/g, '_');
  expect((await request.post('/api/v1/tags', { headers: admin, data: { name: tag, title: `Team ${tag}`, visitorRoles: [team] } })).status()).toBe(201);
  const prefix = unique('ai.e2e.sso');
  const tagged = await importApp(request, admin, { name: `${prefix}-tagged`, title: 'Tagged app' }, 'ALL_USERS');
  await importApp(request, admin, { name: `${prefix}-plain`, title: 'Plain app' }, 'ALL_USERS');
  expect((await request.patch(`/api/v1/apps/${tagged.id}`, { headers: admin, data: { tags: [tag] } })).status()).toBe(200);

  const visitor = await idpAccount({ prefix: 'idp-visitor', roles: [team] });
  const visitorPage = await freshPage(browser);
  await signInThroughIdp(visitorPage, visitor);
  expect((await whoami(visitorPage)).viewer).toMatchObject({ isAdmin: false, fullAccess: false, roles: [team] });
  await visitorPage.goto(`/?q=${encodeURIComponent(prefix)}`);
  await expect(visitorPage.locator(`[data-testid="app-card"][data-app-name="${prefix}-tagged"]`)).toBeVisible();
  await expect(visitorPage.locator(`[data-testid="app-card"][data-app-name="${prefix}-plain"]`)).toHaveCount(0);
  await page.goto(`/?q=${encodeURIComponent(prefix)}`);
  await expect(page.locator('[data-testid="app-card"]')).toHaveCount(2);
  await visitorPage.context().close();
});

test(`a role removed at the provider takes effect within the refresh interval (${OIDC.refreshIntervalSeconds} s here), and a role added at the next sign-in`, async ({
  page,
  browser,
}) => {
  const account = await idpAccount({ prefix: 'idp-demoted', roles: [OIDC.fullAccessRole] });
  await signInThroughIdp(page, account);
  expect((await whoami(page)).viewer?.fullAccess).toBe(true);
  await setIdpRoles(account, []);
  // The session stays; its next request after the interval asks the provider again.
  await expect.poll(async () => (await whoami(page)).viewer?.fullAccess, { timeout: 20_000 }).toBe(false);
  expect((await whoami(page)).status).toBe(200);

  await setIdpRoles(account, [OIDC.adminRole]);
  const again = await freshPage(browser);
  await signInThroughIdp(again, account);
  expect((await whoami(again)).viewer).toMatchObject({ isAdmin: true });
  await again.context().close();
});

test('an existing credentials account is linked only when the provider verified the e-mail address', async ({ page, request }) => {
  const user = await createUser(request, { prefix: 'sso-link', roles: [OIDC.fullAccessRole] });
  const account = await idpAccount({ prefix: 'idp-link', email: user.email, emailVerified: false, roles: [OIDC.fullAccessRole] });
  await startProviderSignIn(page);
  await loginAtIdp(page, account);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(`${OIDC.url}/login?**`);
  await expect(failure(page)).toContainText(`${OIDC.name} has not verified that address`);
  expect((await whoami(page)).status).toBe(401);

  await idpAccount({ ...account, emailVerified: true });
  // The provider remembers this browser: the button leads straight back, now signed in as the existing user.
  await startProviderSignIn(page);
  await expect(page.getByTestId('signed-in-as')).toBeVisible();
  expect((await whoami(page)).viewer).toMatchObject({ id: user.id, email: user.email });
});

test('a disabled portal user cannot sign in through the provider', async ({ page, browser, request }) => {
  const account = await idpAccount({ prefix: 'idp-disabled', roles: [OIDC.fullAccessRole] });
  await signInThroughIdp(page, account);
  const { viewer } = await whoami(page);
  const admin = await asAdmin(request);
  expect((await request.patch(`/api/v1/users/${viewer!.id}`, { headers: admin, data: { disabled: true } })).status()).toBe(200);
  expect((await whoami(page)).status).toBe(401);

  const again = await freshPage(browser);
  await startProviderSignIn(again);
  await loginAtIdp(again, account);
  await again.getByRole('button', { name: 'Continue' }).click();
  await again.waitForURL(`${OIDC.url}/login?**`);
  await expect(failure(again)).toContainText('This account is disabled');
  expect((await whoami(again)).status).toBe(401);
  await again.context().close();
});

test('sign-out ends the provider session too (RP-initiated logout) and comes back to the portal', async ({ page }) => {
  const account = await idpAccount({ prefix: 'idp-logout', roles: [OIDC.fullAccessRole] });
  await signInThroughIdp(page, account);
  await page.getByTestId('signed-in-as').click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(`${OIDC.issuer}/**`);
  await page.getByRole('button', { name: 'Yes, sign me out' }).click();
  await page.waitForURL(`${OIDC.url}/login`);
  expect((await whoami(page)).status).toBe(401);
  // The provider forgot this browser: signing in asks for the login again.
  await startProviderSignIn(page);
  await expect(page.locator('input[name="login"]')).toBeVisible();
});

test('the admin page shows the OIDC configuration in effect, never a secret, and whether the provider answers', async ({ page }) => {
  const account = await idpAccount({ prefix: 'idp-sso-admin', roles: [OIDC.adminRole] });
  await signInThroughIdp(page, account);
  await page.goto('/admin/sso');
  const settings = page.getByRole('table', { name: 'OpenID Connect settings' });
  await expect(settings.getByRole('row', { name: /Issuer/ })).toContainText(OIDC.issuer);
  await expect(settings.getByRole('row', { name: /Roles claim path/ })).toContainText('realm_access.roles');
  await expect(settings.getByRole('row', { name: /Administrator role/ })).toContainText(OIDC.adminRole);
  await expect(settings.getByRole('row', { name: /Full-access role/ })).toContainText(OIDC.fullAccessRole);
  await expect(settings.getByRole('row', { name: /Client ID for apps/ })).toContainText(TEST_OIDC.appClientId);
  await expect(page.getByTestId('provider-status')).toContainText('The provider answers');
  const html = await page.content();
  expect(html).not.toContain(TEST_OIDC.portalClientSecret);
  expect(html).not.toContain(TEST_OIDC.appClientSecret);

  await expect(page).toHaveTitle(/\S/); // on an in-place navigation the title comes after the content: checked once it is there
  expect((await new AxeBuilder({ page }).analyze()).violations.map((v) => v.id)).toEqual([]);

  await idpDown();
  try {
    await page.reload();
    await expect(page.getByTestId('provider-status')).toContainText('The provider does not answer');
  } finally {
    await idpUp();
  }
});

test.describe('failures end on the sign-in page with a message, and nothing secret in the server output', () => {
  test('the provider is down', async ({ page }) => {
    await idpDown();
    try {
      await startProviderSignIn(page);
      await expect(failure(page)).toContainText(`${OIDC.name} is not answering right now`);
      await expect(page).toHaveURL(/\/login\?/);
      // The message is announced (role=alert) and the page stays accessible with it.
      await expect(page).toHaveTitle(/\S/); // on an in-place navigation the title comes after the content (a CI run once checked before it: document-title)
      expect((await new AxeBuilder({ page }).analyze()).violations.map((v) => v.id)).toEqual([]);
    } finally {
      await idpUp();
    }
  });

  test('the provider refuses the portal client secret', async ({ page }) => {
    const account = await idpAccount({ prefix: 'idp-secret' });
    const setSecret = (secret: string) =>
      fetch(`${OIDC.control}/portal-secret`, { method: 'POST', body: JSON.stringify({ secret }) }).then((r) => expect(r.status).toBe(200));
    await setSecret('rotated-at-the-provider');
    try {
      await startProviderSignIn(page);
      await loginAtIdp(page, account);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL(`${OIDC.url}/login?**`);
      await expect(failure(page)).toContainText("refused this portal's client credentials");
    } finally {
      await setSecret(TEST_OIDC.portalClientSecret);
    }
    expect((await whoami(page)).status).toBe(401);
  });

  test('the user denies consent', async ({ page }) => {
    const account = await idpAccount({ prefix: 'idp-deny' });
    await startProviderSignIn(page);
    await loginAtIdp(page, account);
    await page.getByRole('link', { name: '[ Cancel ]' }).click();
    await page.waitForURL(`${OIDC.url}/login?**`);
    await expect(failure(page)).toContainText('The sign-in was cancelled or refused');
    expect((await whoami(page)).status).toBe(401);
  });

  test('a tampered state and an expired code are refused, each logged by its class', async ({ page, browser }) => {
    const account = await idpAccount({ prefix: 'idp-tamper' });
    /**
     * Runs the sign-in up to the provider's redirect back to the portal, which is held: answers the callback URL.
     * (Playwright cannot route a request reached through redirects, so the consent form's POST is answered by
     * the test, following the provider's redirects with the browser's cookies up to the portal's callback.)
     */
    async function heldCallback(p: typeof page): Promise<URL> {
      await startProviderSignIn(p);
      await loginAtIdp(p, account);
      const interaction = `${OIDC.issuer}/interaction/**`;
      const held = new Promise<string>((resolve) =>
        p.route(interaction, async (route) => {
          if (route.request().method() !== 'POST') return route.continue();
          const submitted = await route.fetch({ maxRedirects: 0 });
          const resumed = await p.request.get(new URL(submitted.headers()['location'], OIDC.issuer).href, { maxRedirects: 0 });
          await route.fulfill({ status: 200, contentType: 'text/plain', body: 'held by the test' });
          resolve(new URL(resumed.headers()['location'], OIDC.issuer).href);
        }),
      );
      await p.getByRole('button', { name: 'Continue' }).click();
      const url = new URL(await held);
      await p.unroute(interaction);
      expect(url.href.startsWith(`${OIDC.url}/api/auth/callback/oidc?`), url.href).toBe(true);
      seen.push(url.searchParams.get('code') ?? '', url.searchParams.get('state') ?? '');
      return url;
    }

    // A callback whose state is not the one this browser's sign-in started with (a forged or altered link).
    const forged = await heldCallback(page);
    forged.searchParams.set('state', `${forged.searchParams.get('state')}x`);
    await page.goto(forged.href);
    await expect(failure(page)).toContainText('does not belong to a sign-in started in this browser');
    expect((await whoami(page)).status).toBe(401);

    // The code expires at the provider before the browser brings it back.
    const late = await freshPage(browser);
    const original = await heldCallback(late);
    await expireIdpCodes();
    await late.goto(original.href);
    await expect(failure(late)).toContainText('took too long or was already used');
    expect((await whoami(late)).status).toBe(401);
    await late.context().close();

    const log = serverLog();
    expect(log).toContain('[auth] sign-in failed: OidcStateMismatch');
    expect(log).toContain('[auth] sign-in failed: OidcCodeRejected');
  });

  test('an id_token signed with a key the provider does not publish is refused at sign-in, and ends the session at its refresh', async ({ page, browser }) => {
    // Everything else about the token is right (issuer, audience, nonce, expiry): only the signature is not the provider's.
    const account = await idpAccount({ prefix: 'idp-forged', roles: [OIDC.fullAccessRole] });
    await forgeIdpIdTokens(true);
    try {
      await startProviderSignIn(page);
      await loginAtIdp(page, account);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL(`${OIDC.url}/login?**`);
      await expect(failure(page)).toContainText(`${OIDC.name}'s answer could not be verified`);
      expect((await whoami(page)).status).toBe(401);
    } finally {
      await forgeIdpIdTokens(false);
    }
    expect(serverLog()).toContain('[auth] provider sign-in refused: OidcTokenInvalid');

    // Signed in with a genuine token; the refresh (every few seconds here) brings a forged one: the session ends.
    const later = await freshPage(browser);
    await signInThroughIdp(later, account);
    expect((await whoami(later)).status).toBe(200);
    await forgeIdpIdTokens(true);
    try {
      await expect.poll(async () => (await whoami(later)).status, { timeout: 20_000 }).toBe(401);
    } finally {
      await forgeIdpIdTokens(false);
    }
    expect(serverLog()).toMatch(/\[auth\] the refreshed id_token of user \S+ does not verify/);
    await later.context().close();
  });
});

/** `appstore login --sso` (or any CLI command) as a child process with its own config file. */
function cli(args: string[], configDir: string) {
  const env = { ...process.env, APPSTORE_CONFIG: path.join(configDir, 'config.json'), APPSTORE_URL: '', APPSTORE_TOKEN: '' };
  const child = spawn(process.execPath, ['bin/appstore.mjs', ...args], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return {
    env,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    /** Resolves with the match once stderr shows `pattern`; rejects when the command ends first. */
    prompt: (pattern: RegExp) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(stderr);
          if (match) resolve(match);
        };
        child.stderr.on('data', check);
        check();
        child.on('exit', () => reject(new Error(`appstore ${args.join(' ')} ended early: ${stderr}`)));
      }),
  };
}

const readStored = (env: { APPSTORE_CONFIG: string }) => JSON.parse(fs.readFileSync(env.APPSTORE_CONFIG, 'utf8'));
const callApi = (token: string) => fetch(`${OIDC.url}/api/v1/auth/whoami`, { headers: { authorization: `Bearer ${token}` } });

/** Makes the stored SSO token look expired and runs a command: the CLI renews it at the provider first. */
async function renewThroughCli(env: { APPSTORE_CONFIG: string }) {
  const stored = readStored(env);
  fs.writeFileSync(env.APPSTORE_CONFIG, JSON.stringify({ ...stored, sso: { ...stored.sso, expiresAt: Date.now() - 1000 } }), { mode: 0o600 });
  // Not spawnSync: a blocked event loop would miss the server closing idle keep-alive connections.
  const list = cli(['app', 'list', '--json'], path.dirname(env.APPSTORE_CONFIG));
  expect(await list.exited, list.stderr()).toBe(0);
  const renewed = readStored(env);
  seen.push(renewed.token, renewed.sso.refreshToken);
  return { before: stored, after: renewed };
}

test('appstore login --sso signs in with the device authorization grant; the API accepts the provider token for the CLI client only, with the roles it states, until "Sign out everywhere"', async ({
  page,
}) => {
  const account = await idpAccount({ prefix: 'idp-cli', roles: [OIDC.fullAccessRole] });
  await signInThroughIdp(page, account); // the first browser sign-in links the provider identity to a portal user
  const portalCookieSession = await whoami(page);
  expect(portalCookieSession.viewer?.email).toBe(account.email);

  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'appstore-sso-cli-'));
  const login = cli(['login', '--sso', '--url', OIDC.url], configDir);
  const prompt = await login.prompt(/open (\S+)\nand confirm the code (\S+)/);
  seen.push(prompt[2]);
  // At the provider, in the browser already signed in there: confirm the code, then consent for the CLI client.
  await page.goto(prompt[1]);
  await expect(page.getByText(prompt[2])).toBeVisible();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: 'Sign-in Success' })).toBeVisible();
  expect(await login.exited, login.stderr()).toBe(0);
  expect(login.stdout()).toContain(`Logged in to ${OIDC.url} as ${account.email} through single sign-on`);

  const { env } = login;
  const stored = readStored(env);
  seen.push(stored.token, stored.sso.refreshToken);
  expect(fs.statSync(env.APPSTORE_CONFIG).mode & 0o777).toBe(0o600);
  expect(stored).toMatchObject({
    url: OIDC.url,
    sso: { issuer: OIDC.issuer, clientId: TEST_OIDC.cliClientId, audience: TEST_OIDC.apiAudience, resource: TEST_OIDC.apiAudience },
  });
  expect(typeof stored.sso.refreshToken).toBe('string');
  const who = await callApi(stored.token);
  expect(who.status).toBe(200);
  expect(await who.json()).toMatchObject({ email: account.email, fullAccess: true });
  // A signature that does not verify is refused.
  const [h, p, s] = stored.token.split('.');
  expect((await callApi(`${h}.${p}.${s.slice(0, -4)}AAAA`)).status).toBe(401);
  // Signed with the provider's own key: the same claims pass, another audience or another client does not.
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  expect((await callApi(await signedByIdp(claims))).status).toBe(200);
  expect((await callApi(await signedByIdp({ ...claims, aud: 'urn:someone-else' }))).status).toBe(401);
  expect((await callApi(await signedByIdp({ ...claims, client_id: TEST_OIDC.portalClientId }))).status).toBe(401);

  // Later commands use the stored token; when it has expired, they renew it at the provider first.
  const first = await renewThroughCli(env);
  expect(first.after.token).not.toBe(first.before.token);
  expect(first.after.sso.expiresAt).toBeGreaterThan(Date.now());
  expect((await callApi(first.after.token)).status).toBe(200);

  // Signed out in the browser (the portal forgets its grant; the provider's logout page is left unconfirmed), the
  // CLI's tokens still state the roles: one removed at the provider is gone with the next renewed token.
  await page.goto('/');
  await page.getByTestId('signed-in-as').click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(`${OIDC.issuer}/**`);
  await setIdpRoles(account, []);
  const demoted = await renewThroughCli(env);
  expect(await (await callApi(demoted.after.token)).json()).toMatchObject({ email: account.email, fullAccess: false, roles: [] });

  // "Sign out everywhere" (back in the browser; the provider still knows it) revokes the provider tokens issued before it.
  await startProviderSignIn(page);
  await expect(page.getByTestId('signed-in-as')).toBeVisible();
  await page.goto('/account');
  await page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(page).toHaveURL(/\/login/);
  expect((await callApi(demoted.after.token)).status).toBe(401);
  fs.rmSync(configDir, { recursive: true, force: true });
});

test('appstore login --sso falls back to the authorization code flow with PKCE and a loopback redirect when the provider has no device grant', async ({
  page,
}) => {
  const account = await idpAccount({ prefix: 'idp-loopback', roles: [OIDC.fullAccessRole] });
  await signInThroughIdp(page, account);
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'appstore-sso-loopback-'));
  await offerIdpDeviceFlow(false);
  try {
    // An answer whose state is not the one the CLI sent (another page hitting the port) ends the attempt.
    const forged = cli(['login', '--sso', '--no-browser', '--url', OIDC.url], configDir);
    const waiting = await forged.prompt(/To sign in, open (\S+)\n\(this terminal waits for the browser to come back to (\S+)\)/);
    const sent = new URL(waiting[1]);
    expect(sent.searchParams.get('code_challenge_method')).toBe('S256');
    expect(sent.searchParams.get('redirect_uri')).toBe(waiting[2]);
    expect(waiting[2]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    await page.goto(`${waiting[2]}?code=made-up-code&state=not-the-one-sent`);
    await expect(page.getByText('The sign-in failed')).toBeVisible();
    expect(await forged.exited).toBe(1);
    expect(forged.stderr()).toMatch(/state/);

    const login = cli(['login', '--sso', '--no-browser', '--url', OIDC.url], configDir);
    const prompt = await login.prompt(/To sign in, open (\S+)\n/);
    // The browser is still signed in at the provider: only the CLI client's consent is asked.
    await page.goto(prompt[1]);
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.getByText('Signed in: the appstore CLI has its token')).toBeVisible();
    expect(await login.exited, login.stderr()).toBe(0);
    expect(login.stdout()).toContain(`Logged in to ${OIDC.url} as ${account.email} through single sign-on`);
    const stored = readStored(login.env);
    seen.push(stored.token, stored.sso.refreshToken);
    expect(await (await callApi(stored.token)).json()).toMatchObject({ email: account.email, fullAccess: true });
  } finally {
    await offerIdpDeviceFlow(true);
    fs.rmSync(configDir, { recursive: true, force: true });
  }
});

// Last: everything the tests above saw (authorization codes, states, the CLI's access and refresh tokens, user
// codes) and the client secrets, against everything the server printed.
test('the server output holds no code, token or secret the tests saw', () => {
  const log = serverLog();
  const values = seen.filter((v) => typeof v === 'string' && v.length >= 8);
  expect(values.length).toBeGreaterThan(10);
  for (const value of values) expect(log.includes(value), `the server log holds a value the tests saw (${value.slice(0, 6)}…)`).toBe(false);
  expect(log).not.toContain(TEST_OIDC.portalClientSecret);
  expect(log).not.toContain(TEST_OIDC.appClientSecret);
  expect(log).not.toMatch(/eyJ[\w-]{8,}\.[\w-]{8,}/); // no JWT (id_token, access token)
});
