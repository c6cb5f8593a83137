// Driving the test OpenID provider (lib/testing/oidc-provider.ts) from the OIDC end-to-end tests: its
// accounts, its availability, and signing in through its (development) login and consent pages.
import fs from 'node:fs';
import { expect, type Page } from '@playwright/test';
import { OIDC } from '../playwright.config';
import { unique } from './helpers';

export { OIDC };

export interface IdpAccount {
  id: string;
  email: string;
  emailVerified: boolean;
  name: string;
  roles: string[];
}

async function control(method: string, path: string, body?: unknown) {
  const res = await fetch(`${OIDC.control}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, `${method} ${path}`).toBe(200);
}

/** Creates (or replaces) an account at the provider. */
export async function idpAccount(options: Partial<IdpAccount> & { prefix?: string } = {}): Promise<IdpAccount> {
  const id = options.id ?? unique(options.prefix ?? 'idp');
  const account: IdpAccount = {
    id,
    email: options.email ?? `${id}@idp.e2e.test`,
    emailVerified: options.emailVerified ?? true,
    name: options.name ?? `IdP ${id}`,
    roles: options.roles ?? [],
  };
  await control('PUT', '/accounts', account);
  return account;
}

export const setIdpRoles = (account: IdpAccount, roles: string[]) => idpAccount({ ...account, roles });
export const idpDown = () => control('POST', '/down');
export const idpUp = () => control('POST', '/up');
export const expireIdpCodes = () => control('POST', '/expire-codes');
/** The provider signs its id_tokens with a key its JWKS does not publish (same key id), or stops doing so. */
export const forgeIdpIdTokens = (forge: boolean) => control('POST', '/forge-id-tokens', { forge });
/** The provider advertises its device authorization endpoint, or hides it (the CLI then uses a loopback redirect). */
export const offerIdpDeviceFlow = (offered: boolean) => control('POST', '/device-flow', { offered });

/** A JWT with these claims signed with the provider's own key (what its JWKS verifies). */
export async function signedByIdp(claims: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${OIDC.control}/sign`, { method: 'POST', body: JSON.stringify({ claims }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

/** Clicks the portal's provider button on /login. */
export async function startProviderSignIn(page: Page) {
  await page.goto(`${OIDC.url}/login`);
  await page.getByRole('button', { name: `Continue with ${OIDC.name}` }).click();
}

/** At the provider: its login form (any password), then its consent page. */
export async function loginAtIdp(page: Page, account: IdpAccount) {
  await page.waitForURL(`${OIDC.issuer}/**`);
  await page.locator('input[name="login"]').fill(account.id);
  await page.locator('input[name="password"]').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
}

/** The whole browser sign-in through the provider, ending signed in at the portal. */
export async function signInThroughIdp(page: Page, account: IdpAccount) {
  await startProviderSignIn(page);
  await loginAtIdp(page, account);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(`${OIDC.url}/**`);
  await expect(page.getByTestId('signed-in-as')).toHaveText(account.name);
}

/** The portal's view of the signed-in browser user (its session cookie). */
export async function whoami(page: Page): Promise<{ status: number; viewer?: { id: string; email: string; isAdmin: boolean; fullAccess: boolean; roles: string[] } }> {
  const res = await page.request.get(`${OIDC.url}/api/v1/auth/whoami`);
  return { status: res.status(), viewer: res.ok() ? await res.json() : undefined };
}

/** What the OIDC portal printed so far (stdout and stderr). */
export const serverLog = () => fs.readFileSync(OIDC.log!, 'utf8');
