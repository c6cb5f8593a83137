// axe-core over the pages people use, signed in as an administrator (who sees every control), and the
// pages anonymous visitors see on the public-mode server, on a desktop and a 390 px phone, in the light
// and the dark colour scheme (prefers-color-scheme): no violations of any impact (labels, contrast, roles,
// names), and no page scrolls sideways. Then the coloured states a page shows only after an action (the
// import form's errors and its confirmation, the edit panel, an open header menu, the phone's Filters).
// One test per page and screen, each with its own timeout, so a busy machine slows a page down without
// making the whole list time out together.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { importApp, importBundle, makeBundle } from './bundles';
import { instanceAppBundle } from './instance-app';
import { asAdmin, E2E_ADMIN, RESTRICTED, signIn, unique } from './helpers';

const SIGNED_IN_PAGES = ['/', '/apps/no-such-app-anywhere', '/no-such-page', '/my-apps', '/my-apps/import', '/my-secrets', '/account', '/account/tokens', '/admin/users', '/admin/tags', '/admin/apps', '/admin/runtimes', '/admin/secrets', '/admin/audit', '/admin/sso', '/instances', '/admin/instances', '/admin/aliases', '/admin/storage', '/help', 'APP', 'INSTANCE'];
/** What an anonymous visitor reaches on the public-mode server (RESTRICTED): PUBLIC_APP is a PUBLIC app's page. */
const PUBLIC_MODE_PAGES = ['/', 'PUBLIC_APP', '/login', '/help'];
// The phone is 390 px wide; the desktop 1280 px. (375 px was swept before; 390 replaced it rather
// than adding a third width, which would make this the slowest suite by half again.)
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const VIEWPORTS = [DESKTOP, PHONE];

test.describe.configure({ mode: 'parallel' });

// Per worker: one app with a long description and screenshots, and one admin session to reuse.
let appName = '';
let publicAppName = '';
let instanceId = '';
let adminState: Awaited<ReturnType<BrowserContext['storageState']>>;

test.beforeAll(async ({ browser, request, playwright }) => {
  test.setTimeout(90_000);
  // A PUBLIC app on the public-mode server, for its anonymous visitors.
  const restricted = await playwright.request.newContext({ baseURL: RESTRICTED.url });
  publicAppName = unique('ai.e2e.a11y-public');
  await importApp(restricted, await asAdmin(restricted), { name: publicAppName, title: 'Public accessible app', description: 'Anyone reads it', screenshots: 1 }, 'PUBLIC');
  await restricted.dispose();
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
  await expect(page).toHaveTitle(/\S/); // on an in-place navigation the title comes after the content: checked once it is there
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

async function openPage(browser: Browser, viewport: { width: number; height: number }, signedIn: boolean, colorScheme: Scheme, baseURL?: string) {
  const context = await browser.newContext({ viewport, colorScheme, ...(signedIn ? { storageState: adminState } : {}), ...(baseURL ? { baseURL } : {}) });
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

/** No page scrolls sideways, on a phone nor on a desktop (wide content scrolls inside its own region). */
async function expectNoSidewaysScroll(page: Page, path: string) {
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
      await expectNoSidewaysScroll(page, '/login');
      await context.close();
    });

    for (const entry of PUBLIC_MODE_PAGES) {
      const label = entry === 'PUBLIC_APP' ? "a PUBLIC app's page" : entry;
      test(`${label} in public mode, not signed in, has no accessibility violations`, async ({ browser }) => {
        test.setTimeout(60_000);
        const path = entry === 'PUBLIC_APP' ? `/apps/${publicAppName}` : entry;
        const { context, page } = await openPage(browser, viewport, false, scheme, RESTRICTED.url);
        expect((await page.goto(path))?.status(), path).toBe(200);
        await expect(page.getByTestId('signed-in-as')).toHaveCount(0);
        if (entry === 'PUBLIC_APP') await expect(page.getByRole('heading', { level: 1, name: 'Public accessible app' })).toBeVisible();
        await expectScheme(page, scheme);
        await expectNoViolations(page, `${RESTRICTED.url}${path}`);
        await expectNoSidewaysScroll(page, `${RESTRICTED.url}${path}`);
        await context.close();
      });
    }

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
        await expectNoSidewaysScroll(page, path);
        await context.close();
      });
    }
  });
}

// Coloured states a page shows only after an action (issue 16 item 18): each in both schemes, one test
// each, at the width where people meet it.
interface State {
  label: string;
  viewport: { width: number; height: number };
  show: (page: Page, request: APIRequestContext) => Promise<void>;
}

async function chooseBundle(page: Page, bundle: Buffer) {
  await page.goto('/my-apps/import');
  await page.getByLabel('Bundle').setInputFiles({ name: 'a11y.wave', mimeType: 'application/zip', buffer: bundle });
  await page.getByRole('button', { name: 'Import' }).click();
}

const STATES: State[] = [
  {
    label: "the import form's list of errors",
    viewport: DESKTOP,
    show: async (page) => {
      const name = unique('ai.e2e.a11y-bad');
      const appToml = `[App]\nName = "${name}"\nVersion = "1.0"\nLongDescription = "missing.md"\n\n[Runtime]\nModule = "app.main"\nRuntimeVersion = "deb99_nope"\n\n[[Env]]\nName = "TOKEN"\nSecret = "no-such-secret"\nSecretKey = "token"\n`;
      await chooseBundle(page, await makeBundle({ name, appToml }));
      await expect(page.getByTestId('import-errors')).toContainText('Env[0].Secret');
      await expect(page.getByTestId('import-errors').getByRole('link').first()).toBeVisible();
    },
  },
  {
    label: "the import form's confirmation with warnings",
    viewport: DESKTOP,
    show: async (page) => {
      const name = unique('ai.e2e.a11y-warned');
      const appToml = `[App]\nName = "${name}"\nVersion = "1.0.0"\nTitle = "Warned a11y"\nCategory = "Nothing Like It"\n\n[Runtime]\nModule = "app.main"\n`;
      await chooseBundle(page, await makeBundle({ name, icon: false, appToml }));
      await expect(page.getByTestId('import-done').getByTestId('import-warnings')).toContainText('App.Category');
    },
  },
  {
    label: 'the edit panel on My Apps',
    viewport: DESKTOP,
    show: async (page, request) => {
      const app = await importApp(request, await asAdmin(request), { name: unique('ai.e2e.a11y-edit'), title: 'Edited a11y' });
      await page.goto(`/my-apps?edit=${app.id}`);
      await expect(page.getByRole('dialog', { name: `Edit Edited a11y ${app.version}` })).toBeVisible();
    },
  },
  ...[DESKTOP, PHONE].map((viewport) => ({
    label: 'the open Admin menu',
    viewport,
    show: async (page: Page) => {
      await page.goto('/my-apps');
      await page.getByTestId('admin-menu').locator('summary').click();
      await expect(page.getByTestId('admin-menu').getByRole('link', { name: 'Audit log' })).toBeVisible();
    },
  })),
  {
    label: 'the open account menu on a phone',
    viewport: PHONE,
    show: async (page) => {
      await page.goto('/my-apps');
      await page.getByTestId('account-menu').locator('summary').click();
      await expect(page.getByTestId('account-menu').getByRole('link', { name: 'API tokens' })).toBeVisible();
    },
  },
  {
    label: 'the open Filters panel on a phone',
    viewport: PHONE,
    show: async (page, request) => {
      const admin = await asAdmin(request);
      const category = unique('a11y-cat');
      const word = unique('a11yw').replaceAll('-', '');
      expect((await request.post('/api/v1/tags', { headers: admin, data: { name: category, title: `Cat ${word}`, isCategory: true } })).status()).toBe(201);
      await importApp(request, admin, { name: unique('ai.e2e.a11y-filtered'), description: word, tags: [category] }, 'ALL_USERS');
      await page.goto(`/?q=${word}&category=${category}`);
      await page.getByRole('button', { name: /^Filters/ }).click();
      await expect(page.getByRole('navigation', { name: 'Categories' }).getByRole('link', { name: `Cat ${word}` })).toHaveAttribute('aria-current', 'true');
    },
  },
];

for (const scheme of ['light', 'dark'] as const) {
  for (const state of STATES) {
    test(`${state.label} has no accessibility violations (${state.viewport.width}px, ${scheme})`, async ({ browser, request }) => {
      test.setTimeout(60_000);
      const { context, page } = await openPage(browser, state.viewport, true, scheme);
      await state.show(page, request);
      await expectScheme(page, scheme);
      await expectNoViolations(page, state.label);
      await expectNoSidewaysScroll(page, state.label);
      await context.close();
    });
  }
}
