// A new portal: its empty catalog offers Import app to those who may import and a setup checklist to
// administrators, with the way to the guide and the CLI; the footer shows the portal's version; authorization
// tags say they do nothing until FULL_ACCESS_ROLE is set. Runs on a server of its own, so its catalog is empty.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { ADMIN, startServer, type RunningServer } from '../scripts/lib/server';
import { asAdmin, E2E_ADMIN, RESTRICTED, signIn, unique } from './helpers';

test.describe.configure({ mode: 'serial' });

const PORT = Number(process.env.E2E_PORT || 3107) + 30;
const portalVersion = (JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
let server: RunningServer;
let dataDir: string;
let adminHeaders: Record<string, string>;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'appstore-e2e-first-run-'));
  server = await startServer({ port: PORT, dataDir, compiled: true, env: { PUBLIC_URL: `http://127.0.0.1:${PORT}`, FULL_ACCESS_ROLE: '' } });
  const res = await fetch(`${server.url}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ ...ADMIN, name: 'first-run' }),
  });
  adminHeaders = { Authorization: `Bearer ${(await res.json()).token}`, 'Content-Type': 'application/json' };
});

test.afterAll(async () => {
  await server?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function pageOn(browser: Browser, options: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark' } = {}) {
  const context = await browser.newContext({ baseURL: server.url, ...options });
  return { context, page: await context.newPage() };
}

async function signInHere(page: Page, email: string, password: string) {
  await signIn(page, email, password);
}

async function expectAccessible(page: Page) {
  // A page reached in place gets its title with its streamed metadata, which may land just after the content.
  await expect(page).toHaveTitle(/\S/);
  const result = await new AxeBuilder({ page }).analyze();
  expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

for (const viewport of [
  { width: 1280, height: 900 },
  { width: 390, height: 844 },
]) {
  for (const colorScheme of ['light', 'dark'] as const) {
    test(`at ${viewport.width}px, ${colorScheme}: an administrator's empty catalog offers Import app, the checklist, help and the version`, async ({
      browser,
    }) => {
      const { context, page } = await pageOn(browser, { viewport, colorScheme });
      await signInHere(page, ADMIN.email, ADMIN.password);
      await page.goto('/');
      const firstRun = page.getByTestId('first-run');
      await expect(firstRun.getByRole('heading', { name: 'Get started' })).toBeVisible();
      const checklist = firstRun.getByTestId('setup-checklist').getByRole('listitem');
      await expect(checklist).toHaveCount(3);
      await expect(checklist.nth(0)).toContainText('To do: Create categories');
      await expect(checklist.nth(0)).toContainText('None yet.');
      await expect(checklist.nth(1)).toContainText('To do: Invite users');
      await expect(checklist.nth(2)).toContainText('FULL_ACCESS_ROLE');
      await expect(checklist.nth(2)).toContainText('Not set: everyone who signs in has full access.');
      await expect(page.getByTestId('site-footer')).toContainText(`App Store portal ${portalVersion}`);
      await expectAccessible(page);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);

      await firstRun.getByRole('link', { name: 'Import app' }).click();
      await expect(page).toHaveURL(/\/my-apps\/import$/);
      await page.goBack();
      await page.getByTestId('first-run').getByRole('link', { name: /guide to app\.toml and the appstore CLI/ }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Help: publishing an app' })).toBeVisible();
      await expect(page.getByRole('main')).toContainText(`appstore login --url http://127.0.0.1:${PORT}`);
      await expect(page).toHaveTitle('Help · App Store');
      await expectAccessible(page);
      await context.close();
    });
  }
}

test('the checklist follows what is done; a search hides it; users who may import get only the button', async ({ browser }) => {
  const post = (url: string, data: unknown) => fetch(`${server.url}${url}`, { method: 'POST', headers: adminHeaders, body: JSON.stringify(data) });
  expect((await post('/api/v1/tags', { name: 'science', title: 'Science', isCategory: true })).status).toBe(201);
  const user = { email: `${unique('first')}@e2e.test`, name: 'First user', password: 'first-user-password-1' };
  expect((await post('/api/v1/users', { ...user, roles: [], isAdmin: false })).status).toBe(201);

  const { context, page } = await pageOn(browser);
  await signInHere(page, ADMIN.email, ADMIN.password);
  await page.goto('/');
  const checklist = page.getByTestId('setup-checklist').getByRole('listitem');
  await expect(checklist.nth(0)).toContainText('Done: Create categories');
  await expect(checklist.nth(0)).toContainText('1 so far.');
  await expect(checklist.nth(1)).toContainText('Done: Invite users');
  await expect(checklist.nth(1)).toContainText('1 other user.');
  await page.goto('/?q=nothing-here');
  await expect(page.getByTestId('catalog-empty')).toBeVisible();
  await expect(page.getByTestId('first-run')).toHaveCount(0);
  await context.close();

  const asUser = await pageOn(browser);
  await signInHere(asUser.page, user.email, user.password);
  await asUser.page.goto('/');
  await expect(asUser.page.getByTestId('first-run').getByRole('link', { name: 'Import app' })).toBeVisible();
  await expect(asUser.page.getByTestId('setup-checklist')).toHaveCount(0);
  await asUser.context.close();
});

test('authorization tags say they have no effect until FULL_ACCESS_ROLE is set', async ({ browser }) => {
  const created = await fetch(`${server.url}/api/v1/tags`, {
    method: 'POST',
    headers: adminHeaders,
    body: JSON.stringify({ name: 'partners', title: 'Partners', visitorRoles: ['partner'] }),
  });
  expect(created.status).toBe(201);
  const { context, page } = await pageOn(browser);
  await signInHere(page, ADMIN.email, ADMIN.password);
  await page.goto('/admin/tags');
  await expect(page.getByTestId('no-visitors-note')).toContainText('authorization tags (visitor roles) have no effect until it is set');
  await expect(page.locator('[data-tag-name="partners"]')).toContainText('no effect until FULL_ACCESS_ROLE is set');
  await expect(page.locator('[data-tag-name="science"]')).not.toContainText('no effect');
  await context.close();
});

test.describe('on a portal with FULL_ACCESS_ROLE', () => {
  test.use({ baseURL: RESTRICTED.url });

  test('authorization tags carry no such note', async ({ page, request }) => {
    const tag = unique('members').toLowerCase();
    const res = await request.post('/api/v1/tags', { headers: await asAdmin(request), data: { name: tag, title: 'Members', visitorRoles: ['member'] } });
    expect(res.status(), await res.text()).toBe(201);
    await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
    await page.goto('/admin/tags');
    await expect(page.locator(`[data-tag-name="${tag}"]`)).toBeVisible();
    await expect(page.getByTestId('no-visitors-note')).toHaveCount(0);
    await expect(page.locator(`[data-tag-name="${tag}"]`)).not.toContainText('no effect');
  });
});
