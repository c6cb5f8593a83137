// Issue 16, item 13: My Apps, the administrators' Apps and Users search, sort and page on the server
// through the URL (links can be shared), rows open with a visible Edit button carrying aria-expanded, and
// My Apps on a 390 px phone is a compact list with icons that never scrolls sideways.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { importApp } from './bundles';
import { asAdmin, createUser, E2E_ADMIN, signIn, tokenFor, unique, type TestUser } from './helpers';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

/**
 * Imports `count` apps `<prefix>.app-01`… through the API, a few at a time. The owners are administrators:
 * APP_VERSION_LIMIT stops other users at 10 versions, and a page holds 20 Names.
 */
async function seedApps(request: APIRequestContext, owner: TestUser, prefix: string, count: number, titles = (i: number) => `Seeded ${i}`) {
  const headers = { Authorization: `Bearer ${await tokenFor(request, owner.email, owner.password)}` };
  const ids: string[] = [];
  for (let start = 1; start <= count; start += 4) {
    const batch = [];
    for (let i = start; i < Math.min(start + 4, count + 1); i++) {
      const n = String(i).padStart(2, '0');
      batch.push(importApp(request, headers, { name: `${prefix}.app-${n}`, title: titles(i), version: '1.0.0' }).then((a) => (ids[i] = a.id)));
    }
    await Promise.all(batch);
  }
  return ids;
}

async function expectNoSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `${page.url()} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
}

/** axe finds nothing in the light and the dark colour scheme (the search form, the pages, an open row). */
async function expectAccessible(page: Page) {
  // A page reached in place gets its title with its streamed metadata, which may land just after the content.
  await expect(page).toHaveTitle(/\S/);
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const { violations } = await new AxeBuilder({ page }).analyze();
    expect(violations.map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`), colorScheme).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

const groupNames = (page: Page) => page.getByTestId('app-group').locator('h2 code');

test.describe('at 1280 px', () => {
  test.use({ viewport: DESKTOP });

  test('My Apps pages, searches and sorts through the URL; Edit says whether its panel is open', async ({ page, request }) => {
    test.setTimeout(120_000);
    const owner = await createUser(request, { prefix: 'lister', isAdmin: true });
    const prefix = unique('ai.e2e.pg');
    const ids = await seedApps(request, owner, prefix, 23);
    await signIn(page, owner.email, owner.password);

    await page.goto('/my-apps');
    await expect(page.getByTestId('list-summary')).toHaveText('1–20 of 23 apps, 23 versions');
    await expect(page.getByTestId('app-group')).toHaveCount(20);
    const pages = page.getByRole('navigation', { name: 'My Apps pages' });
    await expect(pages).toContainText('Page 1 of 2');
    await expectAccessible(page);
    await pages.getByRole('link', { name: 'Next' }).click();
    await expect(page).toHaveURL(/\/my-apps\?page=2$/);
    await expect(page.getByTestId('list-summary')).toHaveText('21–23 of 23 apps, 23 versions');
    await expect(groupNames(page)).toHaveText([`${prefix}.app-21`, `${prefix}.app-22`, `${prefix}.app-23`]);
    await pages.getByRole('link', { name: 'Previous' }).click();
    await expect(page).toHaveURL(/\/my-apps$/);

    // Sort Z–A, then search: both land in the URL, and the search starts again on page 1.
    const form = page.getByRole('search', { name: 'Search my apps' });
    await form.getByLabel('Sort by').selectOption({ label: 'Name (Z–A)' });
    await form.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(/sort=name-desc/);
    await expect(groupNames(page).first()).toHaveText(`${prefix}.app-23`);
    await form.getByLabel('Search').fill('seeded 1');
    await form.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(/q=seeded\+1/);
    // "Seeded 1" and "Seeded 10" … "Seeded 19", Z–A.
    await expect(page.getByTestId('list-summary')).toHaveText('1–11 of 11 apps, 11 versions');
    await expect(groupNames(page).first()).toHaveText(`${prefix}.app-19`);
    await expect(groupNames(page).last()).toHaveText(`${prefix}.app-01`);

    // A shared link opens the same page of the same order.
    const shared = await page.context().newPage();
    await shared.goto('/my-apps?sort=name-desc&page=2');
    await expect(groupNames(shared)).toHaveText([`${prefix}.app-03`, `${prefix}.app-02`, `${prefix}.app-01`]);
    await expect(shared.getByRole('search').getByLabel('Sort by')).toHaveValue('name-desc');
    await shared.close();

    // The Edit button is visible, says what it edits, and whether its panel is open.
    await page.goto('/my-apps');
    const edit = page.getByRole('button', { name: 'Edit Seeded 2 1.0.0' });
    await expect(edit).toHaveText('Edit');
    await expect(edit).toHaveAttribute('aria-expanded', 'false');
    await edit.click();
    const panel = page.getByRole('dialog', { name: 'Edit Seeded 2 1.0.0' });
    await expect(panel).toBeVisible();
    await expect(edit).toHaveAttribute('aria-expanded', 'true');
    await panel.getByRole('button', { name: 'Close' }).click();
    await expect(panel).toBeHidden();
    await expect(edit).toHaveAttribute('aria-expanded', 'false');

    // ?edit=<id> (the import form's link) opens the panel for a version that is not on the page shown.
    await page.goto(`/my-apps?edit=${ids[22]}`);
    await expect(page.getByRole('dialog', { name: 'Edit Seeded 22 1.0.0' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Edit Seeded 22 1.0.0' })).toHaveCount(0);
  });

  test("the administrators' Apps page searches owners too, filters, sorts by import and pages", async ({ page, request }) => {
    test.setTimeout(120_000);
    const owner = await createUser(request, { prefix: 'many', isAdmin: true });
    const other = await createUser(request, { prefix: 'other' });
    const prefix = unique('ai.e2e.adm');
    await seedApps(request, owner, prefix, 22, (i) => `Owned ${i}`);
    const otherApp = await importApp(request, { Authorization: `Bearer ${await tokenFor(request, other.email, other.password)}` }, { name: `${prefix}.zz-other`, title: 'Not theirs' }, 'ALL_USERS');
    await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);

    // The search matches the owner's e-mail; newest first puts the last import on top.
    await page.goto(`/admin/apps?q=${encodeURIComponent(owner.email)}&sort=newest`);
    await expect(page.getByTestId('list-summary')).toHaveText('1–20 of 22 apps, 22 versions');
    await expect(page.getByTestId('app-group').first()).toContainText(owner.email);
    await page.getByRole('navigation', { name: 'Apps pages' }).getByRole('link', { name: 'Next' }).click();
    await expect(page).toHaveURL(/page=2/);
    await expect(page).toHaveURL(/sort=newest/);
    await expect(page.getByTestId('app-group')).toHaveCount(2);

    // By Name prefix, only what is ALL_USERS: the other owner's app alone.
    const form = page.getByRole('search', { name: 'Filter apps' });
    await form.getByLabel('Search').fill(prefix);
    await form.getByLabel('Visibility').selectOption('ALL_USERS');
    await form.getByLabel('Sort by').selectOption({ label: 'Owner (e-mail)' });
    await form.getByRole('button', { name: 'Apply' }).click();
    await expect(page.getByTestId('list-summary')).toHaveText('1–1 of 1 app, 1 version');
    await expect(page.locator(`[data-app-id="${otherApp.id}"]`)).toBeVisible();
    await form.getByRole('link', { name: 'Clear' }).click();
    await expect(page).toHaveURL(/\/admin\/apps$/);
  });

  test('Users search e-mail, name and roles, filter by status, sort and page; Edit opens the row', async ({ page, request }) => {
    test.setTimeout(120_000);
    const prefix = unique('pgu');
    const role = unique('team').toLowerCase();
    // The first and the last one alone, so that they are the oldest and the newest for certain.
    const made: TestUser[] = [await createUser(request, { prefix, roles: [role] })];
    for (let start = 1; start < 25; start += 4) {
      made.push(...(await Promise.all(Array.from({ length: 4 }, (_, k) => createUser(request, { prefix, roles: start + k < 3 ? [role] : [] })))));
    }
    made.push(await createUser(request, { prefix }));
    const last = made.at(-1)!;
    const admin = await asAdmin(request);
    expect((await request.patch(`/api/v1/users/${made[5].id}`, { headers: admin, data: { disabled: true } })).status()).toBe(200);
    await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);

    await page.goto(`/admin/users?q=${prefix}`);
    await expect(page.getByTestId('list-summary')).toHaveText('1–25 of 26 users');
    await expect(page.getByTestId('user-row')).toHaveCount(25);
    await expect(page.getByTestId('user-row').first()).toContainText(last.email); // newest first
    await page.getByRole('navigation', { name: 'Users pages' }).getByRole('link', { name: 'Next' }).click();
    await expect(page.getByTestId('list-summary')).toHaveText('26–26 of 26 users');
    await expect(page.getByTestId('user-row')).toHaveText([new RegExp(made[0].email.replace(/\./g, '\\.'))]);

    const form = page.getByRole('search', { name: 'Search users' });
    await form.getByLabel('Search').fill(role.toUpperCase());
    await form.getByLabel('Sort by').selectOption({ label: 'E-mail (A–Z)' });
    await form.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(/sort=email/);
    const sorted = made.slice(0, 3).map((u) => u.email).sort();
    await expect(page.getByTestId('user-row')).toHaveText(sorted.map((e) => new RegExp(e.replace(/\./g, '\\.'))));
    await page.goto(`/admin/users?q=${prefix}&status=disabled`);
    await expect(page.getByTestId('user-row')).toHaveCount(1);
    await expect(page.getByTestId('user-row')).toContainText('disabled');

    await page.goto(`/admin/users?q=${encodeURIComponent(made[1].email)}`);
    const row = page.getByTestId('user-row');
    await expect(row).toHaveCount(1);
    const edit = row.getByRole('button', { name: `Edit ${made[1].email}` });
    await expect(edit).toHaveText('Edit');
    await expect(edit).toHaveAttribute('aria-expanded', 'false');
    const form2 = row.getByRole('form', { name: `Edit ${made[1].email}` });
    await expect(form2).toBeHidden();
    await edit.click();
    await expect(edit).toHaveAttribute('aria-expanded', 'true');
    await expectAccessible(page);
    await form2.getByLabel('Name').fill('Renamed person');
    await form2.getByRole('button', { name: 'Save' }).click();
    await expect(form2.getByRole('status')).not.toBeEmpty();
    await expect(row).toContainText('Renamed person');
    await edit.click();
    await expect(form2).toBeHidden();
    await expect(edit).toHaveAttribute('aria-expanded', 'false');

    // The audit log's link to a user finds the row however many users there are, and arrives with it open.
    await page.goto('/admin/audit?kind=user');
    await page.getByRole('link', { name: `user ${made[2].email}` }).first().click();
    await expect(page).toHaveURL(new RegExp(`/admin/users\\?q=.*#user-${made[2].id}$`));
    await expect(page.getByTestId('user-row')).toHaveCount(1);
    await expect(page.getByRole('button', { name: `Edit ${made[2].email}` })).toHaveAttribute('aria-expanded', 'true');
  });
});

test.describe('on a 390 px phone', () => {
  test.use({ viewport: PHONE });

  test('My Apps is a compact list with icons that does not scroll sideways', async ({ page, request }) => {
    test.setTimeout(120_000);
    const owner = await createUser(request, { prefix: 'phone', isAdmin: true });
    // Long Names and titles are what used to push a phone's page sideways.
    const prefix = unique('ai.e2e.long-phone-name');
    await seedApps(request, owner, prefix, 21, (i) => `An app title long enough to wrap on a phone ${i}`);
    const badge = unique('PHONE').toUpperCase().replace(/-/g, '_');
    expect((await request.post('/api/v1/tags', { headers: await asAdmin(request), data: { name: badge, title: `Badge ${badge}` } })).status()).toBe(201);
    await signIn(page, owner.email, owner.password);
    await page.goto('/my-apps');
    await expect(page.getByTestId('app-group')).toHaveCount(20);
    await expectNoSidewaysScroll(page);

    const row = page.getByTestId('app-version').first();
    const icon = row.locator('img');
    await expect(icon).toBeVisible();
    const edit = row.getByRole('button', { name: /^Edit / });
    await expect(edit).toBeVisible();
    const [iconBox, editBox, rowBox] = await Promise.all([icon.boundingBox(), edit.boundingBox(), row.boundingBox()]);
    // One row: the icon at the left, the Edit button at the right, both inside the screen, at the top of a short row.
    expect(iconBox!.x).toBeLessThan(40);
    expect(editBox!.x + editBox!.width).toBeLessThanOrEqual(PHONE.width);
    expect(Math.abs(iconBox!.y - editBox!.y)).toBeLessThan(12);
    expect(rowBox!.height).toBeLessThan(160);
    // The tags sit under the title as chips once there are any; the labelled lists are for wide screens.
    await expect(row.getByTestId('tags-category')).toBeHidden();
    await edit.click();
    const panel = page.getByRole('dialog');
    await panel.getByRole('group', { name: 'Badges' }).getByRole('checkbox', { name: `Badge ${badge}` }).check();
    await panel.getByRole('button', { name: 'Save' }).click();
    await expect(panel.getByRole('status')).toContainText('Saved');
    await panel.getByRole('button', { name: 'Close' }).click();
    await expect(row.getByTestId('tags-compact')).toContainText(`Badge ${badge}`);
    await expectAccessible(page);

    await page.getByRole('navigation', { name: 'My Apps pages' }).getByRole('link', { name: 'Next' }).click();
    await expect(page.getByTestId('app-group')).toHaveCount(1);
    await expectNoSidewaysScroll(page);
  });

  test('the Users page does not scroll sideways and its Edit button opens the row', async ({ page, request }) => {
    const user = await createUser(request, { prefix: 'a-long-prefix-for-a-phone-screen', roles: ['one-role', 'another-role', 'a-third-role'] });
    await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
    await page.goto(`/admin/users?q=${encodeURIComponent(user.email)}`);
    const edit = page.getByRole('button', { name: `Edit ${user.email}` });
    await edit.click();
    await expect(edit).toHaveAttribute('aria-expanded', 'true');
    await expect(page.getByRole('form', { name: `Edit ${user.email}` })).toBeVisible();
    await expectNoSidewaysScroll(page);
  });
});
