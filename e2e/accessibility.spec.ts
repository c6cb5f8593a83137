// axe-core over the pages people use, signed in as an administrator (who sees every control), on a
// desktop and a narrow screen, in the light and the dark colour scheme (prefers-color-scheme): no
// violations of any impact (labels, contrast, roles, names).
// One test per page and screen, each with its own timeout, so a busy machine slows a page down without
// making the whole list time out together.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { importApp, importBundle } from './bundles';
import { instanceAppBundle } from './instance-app';
import { asAdmin, E2E_ADMIN, signIn, unique } from './helpers';

const SIGNED_IN_PAGES = ['/', '/apps/no-such-app-anywhere', '/my-apps', '/my-apps/import', '/my-secrets', '/account', '/account/tokens', '/admin/users', '/admin/tags', '/admin/apps', '/admin/runtimes', '/admin/secrets', '/admin/audit', '/instances', '/admin/instances', '/admin/aliases', '/admin/storage', '/help', 'APP', 'INSTANCE'];
const VIEWPORTS = [
  { width: 1280, height: 900 },
  { width: 375, height: 800 },
];

test.describe.configure({ mode: 'parallel' });

// Per worker: one app with a long description and screenshots, and one admin session to reuse.
let appName = '';
let instanceId = '';
let adminState: Awaited<ReturnType<BrowserContext['storageState']>>;

test.beforeAll(async ({ browser, request }) => {
  test.setTimeout(90_000);
  appName = unique('ai.e2e.a11y');
  await importApp(
    request,
    await asAdmin(request),
    {
      name: appName,
      title: 'Accessible app',
      description: 'Checked by axe',
      longDescription: '### Features\n\n* one\n* [two](https://example.com)\n\n```\n' + 'a_very_long_line_of_code_that_must_scroll '.repeat(8) + '\n```\n',
      screenshots: 2,
    },
    'ALL_USERS',
  );
  // A running app, with an alias, for the instance pages.
  const admin = await asAdmin(request);
  const probe = await importBundle(request, admin, await instanceAppBundle({ name: unique('a11y-probe'), title: 'Accessible probe' }), 'ALL_USERS');
  const started = await request.post('/api/v1/instances', { headers: admin, data: { appId: (await probe.json()).id } });
  instanceId = (await started.json()).id;
  await request.post('/api/v1/aliases', { headers: admin, data: { name: unique('a11y').toLowerCase(), instanceId, primary: true } });
  const context = await browser.newContext();
  await signIn(await context.newPage(), E2E_ADMIN.email, E2E_ADMIN.password);
  adminState = await context.storageState();
  await context.close();
});

async function expectNoViolations(page: Page, path: string) {
  const result = await new AxeBuilder({ page }).analyze();
  const violations = result.violations.map((v) => ({
    impact: v.impact,
    id: v.id,
    help: v.help,
    targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
  }));
  expect(violations, path).toEqual([]);
}

type Scheme = 'light' | 'dark';

async function openPage(browser: Browser, viewport: { width: number; height: number }, signedIn: boolean, colorScheme: Scheme) {
  const context = await browser.newContext({ viewport, colorScheme, ...(signedIn ? { storageState: adminState } : {}) });
  return { context, page: await context.newPage() };
}

/** The page really is in the scheme asked for: a dark page background in dark, a light one in light. */
async function expectScheme(page: Page, scheme: Scheme) {
  const lightness = await page.evaluate(() => {
    const canvas = document.createElement('canvas').getContext('2d')!;
    canvas.fillStyle = getComputedStyle(document.body).backgroundColor;
    canvas.fillRect(0, 0, 1, 1);
    const [r, g, b] = canvas.getImageData(0, 0, 1, 1).data;
    return (r + g + b) / 3;
  });
  if (scheme === 'dark') expect(lightness).toBeLessThan(60);
  else expect(lightness).toBeGreaterThan(200);
}

async function expectNoSidewaysScroll(page: Page, path: string, viewport: { width: number }) {
  if (viewport.width >= 400) return;
  // A phone-sized screen never scrolls sideways.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `${path} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
}

const RUNS = (['light', 'dark'] as const).flatMap((scheme) => VIEWPORTS.map((viewport) => ({ scheme, viewport })));

for (const { scheme, viewport } of RUNS) {
  test.describe(`at ${viewport.width}px, ${scheme}`, () => {
    test('/login has no accessibility violations', async ({ browser }) => {
      test.setTimeout(60_000);
      const { context, page } = await openPage(browser, viewport, false, scheme);
      await page.goto('/login');
      await expectScheme(page, scheme);
      await expectNoViolations(page, '/login');
      await expectNoSidewaysScroll(page, '/login', viewport);
      await context.close();
    });

    for (const entry of SIGNED_IN_PAGES) {
      const label = entry === 'APP' ? "an app's page" : entry === 'INSTANCE' ? "an instance's page" : entry;
      test(`${label} has no accessibility violations`, async ({ browser }) => {
        test.setTimeout(60_000);
        const path = entry === 'APP' ? `/apps/${appName}` : entry === 'INSTANCE' ? `/instances/${instanceId}` : entry;
        const { context, page } = await openPage(browser, viewport, true, scheme);
        await page.goto(path);
        await expect(page.getByTestId('signed-in-as')).toBeVisible();
        await expectScheme(page, scheme);
        await expectNoViolations(page, path);
        await expectNoSidewaysScroll(page, path, viewport);
        await context.close();
      });
    }
  });
}
