// The admin instances page: filters by app, owner (name or e-mail) and status; switching auto-suspend off
// and terminating an instance from its row.
import { expect, test } from '@playwright/test';
import { importBundle } from './bundles';
import { createUser, E2E_ADMIN, signIn, tokenFor, unique } from './helpers';
import { instanceAppBundle } from './instance-app';

test.setTimeout(120_000);

test('an admin filters instances by owner e-mail, app and status, switches auto-suspend off and terminates one', async ({ page, request }) => {
  const owner = await createUser(request, { prefix: 'admin-listed' });
  const auth = { Authorization: `Bearer ${await tokenFor(request, owner.email, owner.password)}` };
  const name = unique('listed');
  const title = `Listed ${name.slice(-5)}`;
  const imported = await importBundle(request, auth, await instanceAppBundle({ name, title }), 'ALL_USERS');
  expect(imported.status(), await imported.text()).toBe(201);
  const started = await request.post('/api/v1/instances', { headers: auth, data: { appId: (await imported.json()).id } });
  expect(started.status()).toBe(201);
  const { id } = await started.json();
  await expect.poll(async () => (await (await request.get(`/api/v1/instances/${id}`, { headers: auth })).json()).status, { timeout: 30_000 }).toBe('DEPLOYED');

  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await page.goto('/admin/instances');
  // The owner's e-mail (not shown in the list) finds their instance.
  await page.getByLabel('Owner (name or e-mail)').fill(owner.email);
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(/owner=/);
  const rows = page.getByTestId('admin-instance');
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText(title);
  await expect(page.getByText('1 shown')).toBeVisible();
  // The app filter with another status: nothing.
  await page.goto(`/admin/instances?app=${encodeURIComponent(name)}&status=SUSPENDED`);
  await expect(rows).toHaveCount(0);
  await page.goto(`/admin/instances?app=${encodeURIComponent(name)}&status=DEPLOYED`);
  await expect(page.getByLabel('Status')).toHaveValue('DEPLOYED');
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText(/MiB memory · \d+\.\d s CPU/);

  // Auto-suspend off, from the row: the instance is no longer suspendable.
  const toggle = rows.getByRole('checkbox', { name: 'Auto-suspend when idle' });
  await expect(toggle).toBeChecked();
  await toggle.click();
  await expect.poll(async () => (await (await request.get(`/api/v1/instances/${id}`, { headers: auth })).json()).suspendable).toBe(false);
  await page.reload();
  await expect(rows.getByRole('checkbox', { name: 'Auto-suspend when idle' })).not.toBeChecked();

  page.once('dialog', (dialog) => void dialog.accept());
  await rows.getByRole('button', { name: /^Terminate/ }).click();
  await expect.poll(async () => (await request.get(`/api/v1/instances/${id}`, { headers: auth })).status()).toBe(404);
  await page.goto(`/admin/instances?app=${encodeURIComponent(name)}`);
  await expect(rows).toHaveCount(0);
});
