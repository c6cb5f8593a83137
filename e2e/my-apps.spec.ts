import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { importApp } from './bundles';
import { asAdmin, createUser, E2E_ADMIN, signIn, tokenFor, unique, type TestUser } from './helpers';

async function bearer(request: Parameters<typeof tokenFor>[0], user: TestUser) {
  return { Authorization: `Bearer ${await tokenFor(request, user.email, user.password)}` };
}

async function pageAs(browser: Browser, user: { email: string; password: string }): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, user.email, user.password);
  return page;
}

test('the owner publishes a PRIVATE app from the panel; a second user then sees it; the change is audited', async ({
  page,
  request,
  browser,
}) => {
  const owner = await createUser(request, { prefix: 'owner' });
  const second = await createUser(request, { prefix: 'second' });
  const name = unique('ai.e2e.publish');
  const app = await importApp(request, await bearer(request, owner), { name, version: '1.0.0', title: 'Publish me' });
  const secondAuth = await bearer(request, second);
  expect((await request.get(`/api/v1/apps/${app.id}`, { headers: secondAuth })).status()).toBe(404);
  const other = await pageAs(browser, second);
  const card = other.locator(`[data-testid="app-card"][data-app-name="${name}"]`);
  await other.goto(`/?q=${encodeURIComponent(name)}`);
  await expect(other.getByTestId('catalog-empty')).toBeVisible();
  await expect(card).toHaveCount(0);

  await signIn(page, owner.email, owner.password);
  await page.goto('/my-apps');
  await expect(page.getByRole('link', { name: 'Import app' })).toHaveAttribute('href', '/my-apps/import');
  const row = page.getByTestId('app-version').filter({ hasText: 'Publish me' });
  await expect(row.getByTestId('visibility')).toHaveText('PRIVATE');
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

  const pencil = page.getByRole('button', { name: 'Edit Publish me 1.0.0' });
  await pencil.click();
  const panel = page.getByRole('dialog', { name: 'Edit Publish me 1.0.0' });
  await expect(panel).toBeVisible();
  await expect(panel.locator(':focus')).toHaveCount(1); // focus moved into the panel
  await expect(panel.getByRole('radio', { name: /Public/ })).toHaveCount(0); // public mode is off here
  await panel.getByRole('radio', { name: /All users/ }).check();
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(panel.getByRole('status')).toHaveText('Saved Publish me 1.0.0.');
  await expect(row.getByTestId('visibility')).toHaveText('ALL_USERS'); // the list behind the panel follows
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
  await expect(pencil).toBeFocused();
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);

  const got = await request.get(`/api/v1/apps/${app.id}`, { headers: secondAuth });
  expect(got.status()).toBe(200);
  expect((await got.json()).visibility).toBe('ALL_USERS');
  await other.goto(`/?q=${encodeURIComponent(name)}`);
  await expect(card).toContainText('Publish me');
  await other.context().close();

  const admin = await pageAs(browser, E2E_ADMIN);
  await admin.goto('/admin/audit');
  const entry = admin.getByTestId('audit-row').filter({ hasText: `app ${name} 1.0.0` }).filter({ hasText: 'visibility PRIVATE → ALL_USERS' });
  await expect(entry).toHaveCount(1);
  // The import itself is recorded too.
  await expect(admin.getByTestId('audit-row').filter({ hasText: `app ${name} 1.0.0` }).filter({ hasText: 'imported as PRIVATE' })).toHaveCount(1);
  await expect(entry).toContainText(owner.email);
  await admin.context().close();
});

test('an admin creates a category, the owner assigns it in the panel, and the catalog filter finds the app', async ({
  page,
  request,
  browser,
}) => {
  const owner = await createUser(request, { prefix: 'owner' });
  const name = unique('ai.e2e.cat');
  const auth = await bearer(request, owner);
  const app = await importApp(request, auth, { name, version: '0.3.0', title: 'Categorised' }, 'ALL_USERS');
  const otherName = unique('ai.e2e.uncat');
  await importApp(request, auth, { name: otherName, title: 'Uncategorised' }, 'ALL_USERS');
  const category = unique('CAT').toUpperCase().replace(/-/g, '_');

  const admin = await pageAs(browser, E2E_ADMIN);
  await admin.goto('/admin/tags');
  const create = admin.getByRole('region', { name: 'Create a tag' });
  await create.getByLabel('Name').fill(category);
  await create.getByLabel('Title').fill(`Cat ${category}`);
  await create.getByLabel('Colour').fill('#ffeb3b');
  await create.getByLabel(/Category/).check();
  await create.getByRole('button', { name: 'Create tag' }).click();
  await expect(create.getByRole('status')).toHaveText(`Created ${category}.`);
  const tagRow = admin.locator(`[data-tag-name="${category}"]`);
  await expect(tagRow).toContainText('category');
  // Dark text on a yellow tag: the text colour follows the contrast.
  await expect(tagRow.locator(`[data-tag="${category}"]`).first()).toHaveCSS('color', 'rgb(0, 0, 0)');
  await admin.context().close();

  await signIn(page, owner.email, owner.password);
  await page.goto('/my-apps');
  await page.getByRole('button', { name: 'Edit Categorised 0.3.0' }).click();
  const panel = page.getByRole('dialog', { name: 'Edit Categorised 0.3.0' });
  await panel.getByRole('group', { name: 'Categories' }).getByRole('checkbox', { name: `Cat ${category}` }).check();
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(panel.getByRole('status')).toHaveText('Saved Categorised 0.3.0.');
  await panel.getByRole('button', { name: 'Close' }).click();
  const row = page.locator(`[data-app-id="${app.id}"]`);
  await expect(row.getByTestId('tags-category')).toContainText(`Cat ${category}`);

  const api = await request.get(`/api/v1/apps/${app.id}`, { headers: await asAdmin(request) });
  expect((await api.json()).tags).toEqual([expect.objectContaining({ name: category })]);
  await page.goto(`/?category=${encodeURIComponent(category)}`);
  await expect(page.locator(`[data-testid="app-card"][data-app-name="${name}"]`)).toContainText('Categorised');
  await expect(page.locator(`[data-testid="app-card"][data-app-name="${otherName}"]`)).toHaveCount(0);
  await expect(page.getByTestId('app-card')).toHaveCount(1);
});

test('the owner deletes one version after confirming; the other stays', async ({ page, request }) => {
  const owner = await createUser(request, { prefix: 'owner' });
  const auth = await bearer(request, owner);
  const name = unique('ai.e2e.delete');
  const v1 = await importApp(request, auth, { name, version: '1.0.0', title: 'Two versions' });
  await importApp(request, auth, { name, version: '2.0.0', title: 'Two versions' });

  await signIn(page, owner.email, owner.password);
  await page.goto('/my-apps');
  const group = page.getByTestId('app-group').filter({ hasText: name });
  await expect(group.getByTestId('app-version')).toHaveCount(2);
  await page.getByRole('button', { name: 'Edit Two versions 1.0.0' }).click();
  const panel = page.getByRole('dialog', { name: 'Edit Two versions 1.0.0' });
  await panel.getByRole('button', { name: 'Delete this version' }).click();
  await expect(panel.getByRole('alertdialog')).toContainText('This cannot be undone.');
  await panel.getByRole('button', { name: 'Yes, delete 1.0.0' }).click();
  await expect(panel).toBeHidden();
  await expect(group.getByTestId('app-version')).toHaveCount(1);
  await expect(page.getByRole('button', { name: 'Edit Two versions 2.0.0' })).toBeVisible();
  expect((await request.get(`/api/v1/apps/${v1.id}`, { headers: auth })).status()).toBe(404);
});

test("a non-owner can neither open nor submit the panel for someone else's app", async ({ page, request }) => {
  const owner = await createUser(request, { prefix: 'owner' });
  const intruder = await createUser(request, { prefix: 'intruder' });
  const name = unique('ai.e2e.theirs');
  const app = await importApp(request, await bearer(request, owner), { name, version: '1.0.0', title: 'Not yours' }, 'ALL_USERS');

  await signIn(page, intruder.email, intruder.password);
  await page.goto('/my-apps');
  await expect(page.getByText('You have not imported any apps yet.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Edit Not yours 1.0.0' })).toHaveCount(0);
  expect((await page.goto(`/my-apps?edit=${app.id}`))?.status()).toBe(404);
  await expect(page.getByRole('dialog')).toHaveCount(0);
  expect((await page.goto(`/admin/apps?edit=${app.id}`))?.status()).toBe(404);

  const auth = await bearer(request, intruder);
  const patch = await request.patch(`/api/v1/apps/${app.id}`, { headers: auth, data: { visibility: 'PRIVATE' } });
  expect(patch.status()).toBe(403);
  const del = await request.delete(`/api/v1/apps/${app.id}`, { headers: auth });
  expect(del.status()).toBe(403);
  const still = await request.get(`/api/v1/apps/${app.id}`, { headers: auth });
  expect((await still.json()).visibility).toBe('ALL_USERS');
});

test("an admin filters every user's apps by owner and visibility and edits one", async ({ page, request }) => {
  const alice = await createUser(request, { prefix: 'alice' });
  const bob = await createUser(request, { prefix: 'bob' });
  const aName = unique('ai.e2e.alice');
  const bName = unique('ai.e2e.bob');
  await importApp(request, await bearer(request, alice), { name: aName, title: 'Alice app' });
  await importApp(request, await bearer(request, bob), { name: bName, title: 'Bob app' }, 'ALL_USERS');

  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await page.goto('/admin/apps');
  await page.getByLabel('Owner').selectOption({ label: `${alice.name} (${alice.email})` });
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/owner=/);
  await expect(page.getByTestId('app-group').filter({ hasText: aName })).toBeVisible();
  await expect(page.getByTestId('app-group').filter({ hasText: bName })).toHaveCount(0);

  await page.getByRole('button', { name: 'Edit Alice app 0.0.1' }).click();
  const panel = page.getByRole('dialog', { name: 'Edit Alice app 0.0.1' });
  await panel.getByRole('radio', { name: /All users/ }).check();
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(panel.getByRole('status')).toHaveText('Saved Alice app 0.0.1.');
  await page.keyboard.press('Escape');

  await page.goto(`/admin/apps?visibility=PRIVATE&owner=${alice.id}`);
  await expect(page.getByTestId('app-group').filter({ hasText: aName })).toHaveCount(0);
  await page.goto(`/admin/apps?visibility=ALL_USERS&owner=${alice.id}`);
  await expect(page.getByTestId('app-group').filter({ hasText: aName })).toBeVisible();
});

test('with public mode off, the owner still edits the tags of an app that stayed PUBLIC from before', async ({ page, request }) => {
  const owner = await createUser(request, { prefix: 'owner' });
  const name = unique('ai.e2e.waspublic');
  const app = await importApp(request, await bearer(request, owner), { name, version: '1.0.0', title: 'Was public' }, 'ALL_USERS');
  // Published while the portal ran in public mode; the operator has since switched it off (this server).
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(path.join(process.env.E2E_DATA_DIR!, 'appstore.db'));
  try {
    db.prepare("update apps set visibility = 'PUBLIC' where id = ?").run(app.id);
  } finally {
    db.close();
  }
  const badge = unique('BADGE').toUpperCase().replace(/-/g, '_');
  const created = await request.post('/api/v1/tags', { headers: await asAdmin(request), data: { name: badge, title: `Badge ${badge}` } });
  expect(created.status(), await created.text()).toBe(201);

  await signIn(page, owner.email, owner.password);
  await page.goto('/my-apps');
  await page.getByRole('button', { name: 'Edit Was public 1.0.0' }).click();
  const panel = page.getByRole('dialog', { name: 'Edit Was public 1.0.0' });
  await expect(panel.getByRole('radio', { name: /Public/ })).toBeChecked(); // kept on offer: it is the current value
  await panel.getByRole('group', { name: 'Badges' }).getByRole('checkbox', { name: `Badge ${badge}` }).check();
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(panel.getByRole('status')).toHaveText('Saved Was public 1.0.0.');
  const api = await (await request.get(`/api/v1/apps/${app.id}`, { headers: await asAdmin(request) })).json();
  expect(api.visibility).toBe('PUBLIC');
  expect(api.tags).toEqual([expect.objectContaining({ name: badge })]);
  // Choosing PUBLIC anew is still refused while public mode is off.
  await panel.getByRole('radio', { name: /Private/ }).check();
  await panel.getByRole('button', { name: 'Save' }).click();
  // The status still shows the first save's message: wait for the second one to land instead.
  await expect
    .poll(async () => (await (await request.get(`/api/v1/apps/${app.id}`, { headers: await asAdmin(request) })).json()).visibility)
    .toBe('PRIVATE');
  const again = await request.patch(`/api/v1/apps/${app.id}`, { headers: await bearer(request, owner), data: { visibility: 'PUBLIC' } });
  expect(again.status()).toBe(400);
});
