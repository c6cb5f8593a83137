// Shared steps of the end-to-end tests: unique names, signing in, and admin calls through the API.
import http from 'node:http';
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { E2E_ADMIN, RESTRICTED } from '../playwright.config';

export { E2E_ADMIN, RESTRICTED };

export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('signed-in-as')).toBeVisible();
}

export async function tokenFor(request: APIRequestContext, email: string, password: string): Promise<string> {
  const res = await request.post('/api/v1/auth/token', { data: { email, password, name: 'e2e' } });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()).token;
}

// One admin token per server (the request context's baseURL tells which).
const adminTokens = new Map<string, Promise<string>>();
export async function asAdmin(request: APIRequestContext): Promise<Record<string, string>> {
  const key = await serverKey(request);
  if (!adminTokens.has(key)) adminTokens.set(key, tokenFor(request, E2E_ADMIN.email, E2E_ADMIN.password));
  return { Authorization: `Bearer ${await adminTokens.get(key)}` };
}

async function serverKey(request: APIRequestContext): Promise<string> {
  const res = await request.get('/api/health');
  return new URL(res.url()).origin;
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
  name: string;
}

export async function createUser(
  request: APIRequestContext,
  options: { roles?: string[]; isAdmin?: boolean; prefix?: string } = {},
): Promise<TestUser> {
  const name = unique(options.prefix ?? 'user');
  const user = { email: `${name}@e2e.test`, password: `pw-${name}`, name };
  const res = await request.post('/api/v1/users', {
    headers: await asAdmin(request),
    data: { ...user, roles: options.roles ?? [], isAdmin: options.isAdmin ?? false },
  });
  expect(res.status(), await res.text()).toBe(201);
  return { ...user, id: (await res.json()).id };
}

/** POST /api/v1/auth/token from a given loopback address (a real connection from it); answers the status. */
export function tokenRequest(baseURL: string, from: string, body: object, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = http.request(`${baseURL}/api/v1/auth/token`, {
      method: 'POST',
      localAddress: from,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload), ...headers },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(payload);
  });
}
