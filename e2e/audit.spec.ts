// Issue 16, bug 7: the audit log records user administration and API tokens, filters by who, kind, app
// and date, and links to the app version or user it is about.
import { expect, test } from '@playwright/test';
import { importApp } from './bundles';
import { createUser, E2E_ADMIN, signIn, tokenFor, unique } from './helpers';

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
