// What the production server adds in front of Next.js: security headers on every response, a
// Content-Security-Policy whose script nonce is fresh per request, and clean answers (404, 403) where Next
// alone would fail with a 500.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { projectRoot } from '../scripts/lib/server';
import { RESTRICTED, signIn, createUser } from './helpers';

const nonceOf = (csp: string | undefined) => /'nonce-([^']+)'/.exec(csp ?? '')?.[1];

test('every response carries X-Content-Type-Options and Referrer-Policy; HTML pages a CSP', async ({ request }) => {
  for (const path of ['/', '/login', '/api/health', '/api/v1/runtime-versions', '/no-such-page', '/api/v1/apps']) {
    const res = await request.get(path, { maxRedirects: 0 });
    const headers = res.headers();
    expect(headers['x-content-type-options'], path).toBe('nosniff');
    expect(headers['referrer-policy'], path).toBe('strict-origin-when-cross-origin');
    const csp = headers['content-security-policy'];
    expect(csp, path).toContain("frame-ancestors 'none'");
    expect(csp, path).toContain("object-src 'none'");
    expect(csp, path).toContain("base-uri 'self'");
    expect(csp, path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}'/);
    expect(csp, path).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  }
});

test('the favicon is kept by browsers for a day: they ask for it at every navigation otherwise', async ({ request }) => {
  const res = await request.get('/favicon.ico');
  expect(res.status()).toBe(200);
  expect(res.headers()['cache-control']).toBe('public, max-age=86400');
  expect(res.headers()['x-content-type-options']).toBe('nosniff');
});

test('the script nonce is new on every request, and every script of the page carries it', async ({ request }) => {
  const [a, b] = [await request.get('/login'), await request.get('/login')];
  const [nonceA, nonceB] = [nonceOf(a.headers()['content-security-policy']), nonceOf(b.headers()['content-security-policy'])];
  expect(nonceA).toBeTruthy();
  expect(nonceA).not.toBe(nonceB);
  const html = await a.text();
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonceA}"`);
});

test('pages run under the CSP: no violation while signing in and using the menu', async ({ page, request }) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to (execute|load)/i.test(message.text())) violations.push(message.text());
  });
  const user = await createUser(request);
  await signIn(page, user.email, user.password); // needs hydrated client components
  await page.getByTestId('signed-in-as').click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await page.goto('/my-apps/import');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  expect(violations).toEqual([]);
});

test('HSTS only over https: a trusted proxy saying https gets it, plain http does not', async ({ request }) => {
  const plain = await request.get('/api/health', { headers: { 'X-Forwarded-Proto': 'https' } });
  // The default server does not trust proxies: the header is the client's word.
  expect(plain.headers()['strict-transport-security']).toBeUndefined();
  const proxied = await request.get(`${RESTRICTED.url}/api/health`, { headers: { 'X-Forwarded-Proto': 'https' } });
  expect(proxied.headers()['strict-transport-security']).toMatch(/max-age=\d{7,}/);
  const proxiedHttp = await request.get(`${RESTRICTED.url}/api/health`);
  expect(proxiedHttp.headers()['strict-transport-security']).toBeUndefined();
});

test('a malformed %-escape in an app path answers 404, not 500', async ({ request }) => {
  for (const path of ['/apps/%ZZ', '/apps/%ZZ/1.0.0', '/apps/ai.h2o.x/%E0%A4%A/visit']) {
    const res = await request.get(path, { maxRedirects: 0 });
    expect(res.status(), path).toBe(404);
  }
});

test('a server action posted from another origin answers 403, not 500', async ({ request, baseURL }) => {
  for (const origin of ['https://evil.example', 'null']) {
    const res = await request.post('/login', {
      headers: { Origin: origin, 'Next-Action': 'f'.repeat(42), 'Content-Type': 'text/plain;charset=UTF-8' },
      data: '[]',
      maxRedirects: 0,
    });
    expect(res.status(), origin).toBe(403);
  }
  // The same request from the portal's own origin is not refused as cross-origin.
  const own = await request.post('/login', {
    headers: { Origin: new URL(baseURL!).origin, 'Next-Action': 'f'.repeat(42), 'Content-Type': 'text/plain;charset=UTF-8' },
    data: '[]',
    maxRedirects: 0,
  });
  expect(own.status()).not.toBe(403);
});

test('an AUTH_SECRET shorter than 32 bytes stops the start with a clear message', async () => {
  test.setTimeout(90_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'appstore-short-secret-'));
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'server.ts'), '-p', String(Number(process.env.E2E_PORT || 3107) + 13), '-H', '127.0.0.1'], {
    cwd: projectRoot,
    env: { ...process.env, DATA_DIR: dataDir, AUTH_SECRET: 'abc' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  try {
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(output).toContain('The App Store cannot start: AUTH_SECRET is 3 bytes long; it must be at least 32');
  } finally {
    child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
