// An app's page: the title leads, the Name and version follow without losing the version on a phone, the
// versions list marks the latest, an older version points to it; and what the app needs (secrets, names,
// volume, OIDC) is shown to its owner and administrators only.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { importApp, importBundle, makeBundle } from './bundles';
import { asAdmin, createUser, E2E_ADMIN, signIn, tokenFor, unique } from './helpers';

async function expectNoViolations(page: Page) {
  // A page reached in place gets its title with its streamed metadata, which may land just after the content.
  await expect(page).toHaveTitle(/\S/);
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

const VIEWPORTS = [
  { width: 1280, height: 900 },
  { width: 390, height: 844 },
];

for (const viewport of VIEWPORTS) {
  for (const colorScheme of ['light', 'dark'] as const) {
    test(`at ${viewport.width}px, ${colorScheme}: the title leads, the version shows whole, an older version points to the latest`, async ({
      browser,
      request,
    }) => {
      const admin = await asAdmin(request);
      // A long machine Name (Name-Version stays within 63 characters).
      const name = `ai.e2e.${unique('a-rather-long-machine-name').slice(0, 44)}`;
      for (const version of ['1.0.0', '1.10.2']) {
        await importApp(request, admin, { name, version, title: 'Versioned app', description: 'Two versions' }, 'ALL_USERS');
      }
      const context = await browser.newContext({ viewport, colorScheme });
      const page = await context.newPage();
      await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
      await page.goto(`/apps/${name}/1.0.0`);

      const heading = page.getByRole('heading', { level: 1 });
      await expect(heading).toHaveText('Versioned app');
      const line = page.getByTestId('app-name-version');
      await expect(line).toHaveText(`${name} version 1.0.0`);
      // The title comes first; the Name and version below it.
      const [h1Box, lineBox] = [await heading.boundingBox(), await line.boundingBox()];
      expect(lineBox!.y).toBeGreaterThan(h1Box!.y);
      // The version is whole and inside the screen, and the page does not scroll sideways.
      const version = line.getByText('version 1.0.0', { exact: true });
      const box = (await version.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
      // On one line: every box of it shares one top.
      expect(await version.evaluate((el) => new Set([...el.getClientRects()].map((r) => Math.round(r.top))).size)).toBe(1);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);

      const versions = page.getByTestId('versions').getByRole('listitem');
      await expect(versions.first()).toContainText('1.10.2');
      await expect(versions.first()).toContainText('latest');
      await expect(versions.nth(1)).not.toContainText('latest');
      await expect(page.getByTestId('versions')).not.toContainText('(shown)');
      await expect(page.getByTestId('versions').getByRole('link', { name: '1.0.0' })).toHaveAttribute('aria-current', 'page');

      const older = page.getByTestId('older-version');
      await expect(older).toHaveText('This is an older version. The latest is version 1.10.2.');
      await expectNoViolations(page);

      await older.getByRole('link', { name: 'version 1.10.2' }).click();
      await expect(page).toHaveURL(new RegExp(`/apps/${name.replace(/\./g, '\\.')}/1\\.10\\.2$`));
      await expect(page.getByTestId('app-name-version')).toHaveText(`${name} version 1.10.2`);
      await expect(page.getByTestId('older-version')).toHaveCount(0);
      await context.close();
    });
  }
}

for (const viewport of VIEWPORTS) {
  test(`what an app needs is shown to its owner and administrators, not to other users (${viewport.width} px)`, async ({ browser, request }) => {
    const owner = await createUser(request);
    const ownerAuth = { Authorization: `Bearer ${await tokenFor(request, owner.email, owner.password)}` };
    const secret = unique('team-db').toLowerCase();
    const created = await request.post('/api/v1/secrets', { headers: ownerAuth, data: { name: secret, values: { user: 'u', password: 'p' } } });
    expect(created.status(), await created.text()).toBe(201);
    const optional = unique('api-token').toLowerCase();
    const name = unique('ai.e2e.needs');
    const appToml = [
      '[App]',
      `Name = "${name}"`,
      'Version = "1.0.0"',
      'Title = "Needy app"',
      '',
      '[Runtime]',
      'Module = "app.main"',
      'VolumeMount = "/data"',
      'VolumeSize = "2Gi"',
      'EnableOIDC = true',
      '',
      '[[Env]]',
      'Name = "DB_USER"',
      `Secret = "${secret}"`,
      'SecretKey = "user"',
      '',
      '[[Env]]',
      'Name = "MODE"',
      'Value = "fast"',
      '',
      '[[Env]]',
      'Name = "API_TOKEN"',
      `Secret = "${optional}"`,
      'SecretKey = "token"',
      'Optional = true',
      '',
      '[[File]]',
      'Path = "/etc/app/password"',
      `Secret = "${secret}"`,
      'SecretKey = "password"',
      '',
    ].join('\n');
    const res = await importBundle(request, ownerAuth, await makeBundle({ name, appToml }), 'ALL_USERS');
    expect(res.status(), await res.text()).toBe(201);

    const ownerContext = await browser.newContext({ viewport });
    const asOwner = await ownerContext.newPage();
    await signIn(asOwner, owner.email, owner.password);
    await asOwner.goto(`/apps/${name}`);
    const needs = asOwner.getByTestId('app-needs');
    await expect(needs.getByRole('heading', { name: 'What this app needs' })).toBeVisible();
    const secrets = needs.getByTestId('app-needs-secrets').getByRole('listitem');
    await expect(secrets.filter({ hasText: secret })).toContainText(`${secret} keys password, user · there`);
    await expect(secrets.filter({ hasText: optional })).toContainText(`${optional} keys token (optional) · missing: create it on My secrets`);
    for (const text of ['DB_USER', `secret ${secret} / user`, 'MODE', 'value in app.toml', 'API_TOKEN', '/etc/app/password', '/data (2Gi)', 'Runtime.EnableOIDC']) {
      await expect(needs).toContainText(text);
    }
    await expect(needs).not.toContainText('fast'); // literal values are not repeated
    // The panel's long secret names and paths stay inside the page.
    expect(await asOwner.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    await expectNoViolations(asOwner);
    // The statuses are coloured: checked in the dark scheme too.
    const dark = await browser.newContext({ viewport, colorScheme: 'dark', storageState: await ownerContext.storageState() });
    const darkPage = await dark.newPage();
    await darkPage.goto(`/apps/${name}`);
    await expect(darkPage.getByTestId('app-needs')).toContainText('missing: create it on My secrets');
    await expectNoViolations(darkPage);
    await dark.close();
    await secrets.filter({ hasText: optional }).getByRole('link', { name: 'create it on My secrets' }).click();
    const form = asOwner.getByRole('form', { name: 'New secret' });
    await expect(form.getByLabel('Secret name')).toHaveValue(optional);
    await expect(form.getByLabel('Key 1')).toHaveValue('token');
    await ownerContext.close();

    const asAdminPage = await browser.newPage({ viewport });
    await signIn(asAdminPage, E2E_ADMIN.email, E2E_ADMIN.password);
    await asAdminPage.goto(`/apps/${name}`);
    await expect(asAdminPage.getByTestId('app-needs')).toContainText(secret);
    await asAdminPage.close();

    const other = await createUser(request);
    const asOther = await browser.newPage({ viewport });
    await signIn(asOther, other.email, other.password);
    await asOther.goto(`/apps/${name}`);
    await expect(asOther.getByRole('heading', { level: 1, name: 'Needy app' })).toBeVisible();
    await expect(asOther.getByTestId('app-needs')).toHaveCount(0);
    await expect(asOther.getByRole('main')).not.toContainText(secret);
    await asOther.close();
  });
}
