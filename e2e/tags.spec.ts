import { expect, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { importApp } from './bundles';
import { asAdmin, createUser, E2E_ADMIN, RESTRICTED, signIn, tokenFor, unique, type TestUser } from './helpers';

async function bearer(request: APIRequestContext, user: TestUser) {
  return { Authorization: `Bearer ${await tokenFor(request, user.email, user.password)}` };
}

async function pageAs(browser: Browser, user: { email: string; password: string }, baseURL?: string): Promise<Page> {
  const context = await browser.newContext(baseURL ? { baseURL } : {});
  const page = await context.newPage();
  await signIn(page, user.email, user.password);
  return page;
}

const tagName = (prefix: string) => unique(prefix).toUpperCase().replace(/-/g, '_');

test.describe('tag administration', () => {
  test('the API validates, refuses non-admins and duplicates, and deleting a tag removes it from apps', async ({ request }) => {
    const admin = await asAdmin(request);
    const name = tagName('BADGE');
    const bad = await request.post('/api/v1/tags', { headers: admin, data: { name, title: 'Bad', color: 'red' } });
    expect(bad.status()).toBe(400);
    expect((await bad.json()).errors).toEqual([expect.objectContaining({ path: 'color', message: expect.stringMatching(/#rrggbb/) })]);

    const user = await createUser(request);
    const auth = await bearer(request, user);
    expect((await request.post('/api/v1/tags', { headers: auth, data: { name, title: 'Mine' } })).status()).toBe(403);

    const created = await request.post('/api/v1/tags', { headers: admin, data: { name, title: 'Open source', color: '#1E3A8A' } });
    expect(created.status()).toBe(201);
    const tag = await created.json();
    expect(tag).toMatchObject({ name, kind: 'badge', color: '#1e3a8a', adminRoles: [], visitorRoles: [] });
    expect((await request.post('/api/v1/tags', { headers: admin, data: { name, title: 'Again' } })).status()).toBe(409);
    expect((await request.get(`/api/v1/tags/${name}`, { headers: auth })).status()).toBe(200);

    const app = await importApp(request, auth, { name: unique('ai.e2e.tagged'), tags: [name] });
    const tagNames = async () =>
      ((await (await request.get(`/api/v1/apps/${app.id}`, { headers: auth })).json()).tags as { name: string }[]).map((t) => t.name);
    expect(await tagNames()).toEqual([name]);
    const del = await request.delete(`/api/v1/tags/${tag.id}`, { headers: admin });
    expect(del.status()).toBe(204);
    expect(await del.text()).toBe('');
    expect(await tagNames()).toEqual([]);
    expect((await request.get(`/api/v1/tags/${tag.id}`, { headers: auth })).status()).toBe(404);
  });

  test('an admin edits and deletes a tag on /admin/tags', async ({ page, request }) => {
    const name = tagName('EDIT');
    const res = await request.post('/api/v1/tags', { headers: await asAdmin(request), data: { name, title: 'Before' } });
    expect(res.status()).toBe(201);
    await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
    await page.goto('/admin/tags');
    const row = page.locator(`[data-tag-name="${name}"]`);
    await row.locator('summary').click();
    const form = row.getByRole('form', { name: `Edit ${name}` });
    await form.getByLabel('Title').fill('After');
    await form.getByLabel('Visitor roles').fill('finance, hr');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form.getByRole('status')).toHaveText(`Saved ${name}.`);
    await expect(row).toContainText('authorization tag');
    await expect(row).toContainText('visitors: finance, hr');

    await form.getByLabel('Name').fill('has space');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');
    await expect(form.locator(`#tag-${(await res.json()).id}-name-error`)).toContainText('letters, digits');

    await row.getByRole('button', { name: `Delete ${name}` }).click();
    await row.getByRole('button', { name: `Yes, delete ${name}` }).click();
    await expect(row).toHaveCount(0);
    await page.goto('/admin/audit');
    await expect(page.getByTestId('audit-row').filter({ hasText: `tag ${name}` }).first()).toContainText('deleted');
  });

  test('a tag the owner may not assign shows but cannot be changed, and stays on the app when they save', async ({
    page,
    request,
  }) => {
    const admin = await asAdmin(request);
    const restricted = tagName('CERTIFIED');
    const badge = tagName('OPEN');
    for (const data of [
      { name: restricted, title: `Certified ${restricted}`, adminRoles: ['curators'] },
      { name: badge, title: `Open ${badge}` },
    ]) {
      expect((await request.post('/api/v1/tags', { headers: admin, data })).status()).toBe(201);
    }
    const owner = await createUser(request, { prefix: 'owner' });
    const auth = await bearer(request, owner);
    const app = await importApp(request, auth, { name: unique('ai.e2e.cert'), title: 'Certified app' });
    const refused = await request.patch(`/api/v1/apps/${app.id}`, { headers: auth, data: { tags: [restricted] } });
    expect(refused.status()).toBe(403);
    expect((await request.patch(`/api/v1/apps/${app.id}`, { headers: admin, data: { tags: [restricted] } })).status()).toBe(200);

    await signIn(page, owner.email, owner.password);
    await page.goto('/my-apps');
    await page.getByRole('button', { name: 'Edit Certified app 0.0.1' }).click();
    const panel = page.getByRole('dialog', { name: 'Edit Certified app 0.0.1' });
    const locked = panel.getByRole('checkbox', { name: new RegExp(`Certified ${restricted}`) });
    await expect(locked).toBeChecked();
    await expect(locked).toBeDisabled();
    await panel.getByRole('group', { name: 'Badges' }).getByRole('checkbox', { name: `Open ${badge}` }).check();
    await panel.getByRole('button', { name: 'Save' }).click();
    await expect(panel.getByRole('status')).toHaveText('Saved Certified app 0.0.1.');
    const saved = await (await request.get(`/api/v1/apps/${app.id}`, { headers: auth })).json();
    expect((saved.tags as { name: string }[]).map((t) => t.name).sort()).toEqual([restricted, badge].sort());
  });
});

test.describe('authorization tags with a full-access role configured', () => {
  test.use({ baseURL: RESTRICTED.url });

  test('an authorization tag exposes an app to visitors holding its visitor role, and not to others', async ({
    page,
    request,
    browser,
  }) => {
    const roleA = unique('team-a');
    const roleB = unique('team-b');
    const admin = await asAdmin(request);
    const owner = await createUser(request, { prefix: 'owner', roles: [RESTRICTED.fullAccessRole] });
    const visitorA = await createUser(request, { prefix: 'visitor-a', roles: [roleA] });
    const visitorB = await createUser(request, { prefix: 'visitor-b', roles: [roleB] });
    const name = unique('ai.e2e.authz');
    const app = await importApp(request, await bearer(request, owner), { name, title: 'Team app' }, 'ALL_USERS');
    const tag = tagName('TEAM');
    const created = await request.post('/api/v1/tags', { headers: admin, data: { name: tag, title: `Team ${tag}`, visitorRoles: [roleA] } });
    expect(created.status()).toBe(201);

    const authA = await bearer(request, visitorA);
    const authB = await bearer(request, visitorB);
    expect((await request.get(`/api/v1/apps/${app.id}`, { headers: authA })).status()).toBe(404);
    expect((await request.get('/api/v1/tags', { headers: authA })).status()).toBe(403); // visitors cannot see tags

    await signIn(page, owner.email, owner.password);
    await page.goto('/my-apps');
    await page.getByRole('button', { name: 'Edit Team app 0.0.1' }).click();
    const panel = page.getByRole('dialog', { name: 'Edit Team app 0.0.1' });
    await expect(panel.getByRole('radio', { name: /Public/ })).toBeVisible(); // public mode is on here
    await panel.getByRole('group', { name: 'Authorization tags' }).getByRole('checkbox', { name: `Team ${tag}` }).check();
    await panel.getByRole('button', { name: 'Save' }).click();
    await expect(panel.getByRole('status')).toHaveText('Saved Team app 0.0.1.');

    const cardOf = (p: Page) => p.locator(`[data-testid="app-card"][data-app-name="${name}"]`);
    const pageA = await pageAs(browser, visitorA, RESTRICTED.url);
    const pageB = await pageAs(browser, visitorB, RESTRICTED.url);
    await pageA.goto(`/?q=${encodeURIComponent(name)}`);
    await expect(cardOf(pageA)).toContainText('Team app');
    await pageB.goto(`/?q=${encodeURIComponent(name)}`);
    await expect(pageB.getByTestId('catalog-empty')).toBeVisible();
    await expect(cardOf(pageB)).toHaveCount(0);
    expect((await request.get(`/api/v1/apps/${app.id}`, { headers: authA })).status()).toBe(200);
    expect((await request.get(`/api/v1/apps/${app.id}`, { headers: authB })).status()).toBe(404);

    // Changing the tag's visitor roles takes effect on the next request.
    const patched = await request.patch(`/api/v1/tags/${tag}`, { headers: admin, data: { visitorRoles: [roleB] } });
    expect(patched.status()).toBe(200);
    expect((await request.get(`/api/v1/apps/${app.id}`, { headers: authA })).status()).toBe(404);
    expect((await request.get(`/api/v1/apps/${app.id}`, { headers: authB })).status()).toBe(200);
    await pageA.goto(`/?q=${encodeURIComponent(name)}`);
    await expect(cardOf(pageA)).toHaveCount(0);
    await pageB.goto(`/?q=${encodeURIComponent(name)}`);
    await expect(cardOf(pageB)).toContainText('Team app');

    // So does changing a visitor's roles.
    const roles = await request.patch(`/api/v1/users/${visitorA.id}`, { headers: admin, data: { roles: [roleA, roleB] } });
    expect(roles.status()).toBe(200);
    expect((await request.get(`/api/v1/apps/${app.id}`, { headers: authA })).status()).toBe(200);
    await pageA.context().close();
    await pageB.context().close();
  });
});
