// Issue 16, bug 7: the audit log records user administration, API tokens and sign-in lockouts, filters by
// who, kind, app and date, links to the app version or user it is about, and pages.
import { expect, test } from '@playwright/test';
import { importApp } from './bundles';
import { asAdmin, createUser, E2E_ADMIN, signIn, tokenFor, tokenRequest, unique } from './helpers';

test('an administrator filters the audit log by person, kind, app and date, and follows its links', async ({ page, request }) => {
  const user = await createUser(request);
  const token = await tokenFor(request, user.email, user.password);
  const name = unique('ai.e2e.audited');
  await importApp(request, { Authorization: `Bearer ${token}` }, { name, version: '1.0.0', title: 'Audited app' });

  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await page.goto('/admin/audit');
  const filters = page.getByRole('form', { name: 'Filter the audit log' });
  await filters.getByLabel('Who').fill(user.email);
  await filters.getByRole('button', { name: 'Filter' }).click();
  const rows = page.getByTestId('audit-row');
  await expect(rows).toHaveCount(2); // newest first: the import, then the token
  await expect(rows.nth(0)).toContainText(`app ${name} 1.0.0`);
  await expect(rows.nth(1)).toContainText('API token e2e');
  await expect(rows.nth(1)).toContainText('created');

  await filters.getByLabel('Kind').selectOption({ label: 'API tokens' });
  await filters.getByRole('button', { name: 'Filter' }).click();
  await expect(rows).toHaveCount(1);
  await expect(page).toHaveURL(/kind=token/);

  // The user's creation by the administrator, linked to the user.
  await page.goto(`/admin/audit?kind=user&actor=${encodeURIComponent(E2E_ADMIN.email)}`);
  const created = rows.filter({ hasText: `user ${user.email}` });
  await expect(created).toHaveCount(1);
  await expect(created.getByRole('link', { name: `user ${user.email}` })).toHaveAttribute('href', `/admin/users?q=${encodeURIComponent(user.email)}#user-${user.id}`);

  // By app Name, and the link to the version's page.
  await page.goto(`/admin/audit?app=${encodeURIComponent(name)}`);
  await expect(rows).toHaveCount(1);
  const today = new Date().toISOString().slice(0, 10);
  await filters.getByLabel('From (UTC)').fill(today);
  await filters.getByLabel('To (UTC, inclusive)').fill(today);
  await filters.getByRole('button', { name: 'Filter' }).click();
  await expect(rows).toHaveCount(1);
  await filters.getByLabel('From (UTC)').fill('2000-01-01');
  await filters.getByLabel('To (UTC, inclusive)').fill('2000-01-02');
  await filters.getByRole('button', { name: 'Filter' }).click();
  await expect(rows).toHaveCount(0);
  await expect(page.getByText('Nothing recorded that matches.')).toBeVisible();

  await page.goto(`/admin/audit?app=${encodeURIComponent(name)}`);
  await rows.getByRole('link', { name: `app ${name} 1.0.0` }).click();
  await expect(page).toHaveURL(new RegExp(`/apps/${name.replace(/\./g, '\\.')}/1\\.0\\.0$`));
});


test('a sign-in lockout is logged once, with the account and the address', async ({ page, request, baseURL }) => {
  const user = await createUser(request, { prefix: 'locked' });
  // 127.0.0.5: an address no other test signs in from.
  const statuses: number[] = [];
  for (let i = 0; i < 8; i++) statuses.push(await tokenRequest(baseURL!, '127.0.0.5', { email: user.email, password: `guess-${i}` }));
  expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);

  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await page.goto('/admin/audit');
  const filters = page.getByRole('form', { name: 'Filter the audit log' });
  await filters.getByLabel('Kind').selectOption({ label: 'Sign-in lockouts' });
  await filters.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/kind=sign_in/);
  const rows = page.getByTestId('audit-row').filter({ hasText: user.email });
  // One entry for the lockout, none for the three refused attempts after it.
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText(`sign-in of ${user.email} from 127.0.0.5`);
  await expect(rows).toContainText('sign-in locked: 5 failed attempts for this account from this address');
  await expect(rows).toContainText('not signed in');
  await expect(rows.getByRole('link', { name: `sign-in of ${user.email} from 127.0.0.5` })).toHaveAttribute('href', `/admin/users?q=${encodeURIComponent(user.email)}`);
});

test('roles and admin granted, a password reset, disabling and an API token revoked are logged', async ({ page, browser, request }) => {
  const user = await createUser(request, { prefix: 'administered' });
  await tokenFor(request, user.email, user.password);
  // The user revokes their token on their API tokens page.
  await signIn(page, user.email, user.password);
  await page.goto('/account/tokens');
  await page.getByRole('button', { name: 'Revoke e2e' }).click();
  await expect(page.getByTestId('token-row')).toHaveCount(0);

  const admin = await asAdmin(request);
  const patch = async (data: object) => {
    const res = await request.patch(`/api/v1/users/${user.id}`, { headers: admin, data });
    expect(res.status(), await res.text()).toBe(200);
  };
  await patch({ roles: ['analyst'], isAdmin: true });
  await patch({ password: `new-${user.password}` });
  await patch({ disabled: true });

  const context = await browser.newContext();
  const adminPage = await context.newPage();
  await signIn(adminPage, E2E_ADMIN.email, E2E_ADMIN.password);
  await adminPage.goto(`/admin/audit?kind=user&actor=${encodeURIComponent(E2E_ADMIN.email)}`);
  const about = adminPage.getByTestId('audit-row').filter({ hasText: `user ${user.email}` });
  // Newest first: disabled, password reset, roles and admin, created.
  await expect(about).toHaveCount(4);
  await expect(about.nth(0)).toContainText('disabled false → true');
  await expect(about.nth(0)).toContainText('signed out everywhere, API tokens revoked');
  await expect(about.nth(1)).toContainText('password changed');
  await expect(about.nth(1)).not.toContainText('new-');
  await expect(about.nth(2)).toContainText('roles (none) → analyst');
  await expect(about.nth(2)).toContainText('isAdmin false → true');
  await expect(about.nth(3)).toContainText('created');

  // The token revoked by its owner, under the owner's name.
  await adminPage.goto(`/admin/audit?kind=token&actor=${encodeURIComponent(user.email)}`);
  const tokens = adminPage.getByTestId('audit-row');
  await expect(tokens).toHaveCount(2);
  await expect(tokens.nth(0)).toContainText('API token e2e');
  await expect(tokens.nth(0)).toContainText('revoked');
  await expect(tokens.nth(1)).toContainText('created');
  await context.close();
});

test('"Older entries" pages 100 entries at a time and keeps the filters', async ({ page, request }) => {
  test.setTimeout(120_000);
  const user = await createUser(request, { prefix: 'busy' });
  const headers = { Authorization: `Bearer ${await tokenFor(request, user.email, user.password)}` };
  const base = unique('page').toLowerCase();
  // 101 secrets created: one more than a page.
  for (let i = 0; i < 101; i++) {
    const res = await request.post('/api/v1/secrets', { headers, data: { name: `${base}-${i}`, visibility: 'PRIVATE', values: { k: 'v' } } });
    expect(res.status(), await res.text()).toBe(201);
  }
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await page.goto(`/admin/audit?kind=secret&actor=${encodeURIComponent(user.email)}`);
  const rows = page.getByTestId('audit-row');
  await expect(rows).toHaveCount(100);
  await expect(rows.first()).toContainText(`secret ${base}-100`);
  await expect(rows.last()).toContainText(`secret ${base}-1`);
  await page.getByRole('link', { name: 'Older entries' }).click();
  await expect(page).toHaveURL(/before=\d+/);
  await expect(page).toHaveURL(/kind=secret/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(`secret ${base}-0`);
  await expect(page.getByRole('link', { name: 'Older entries' })).toHaveCount(0);
});
