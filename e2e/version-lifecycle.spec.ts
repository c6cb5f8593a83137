// An app version's life beside its instances and its files: deleting a version that has a running
// instance asks for confirmation, listing it, and the instance keeps answering (and pauses and resumes)
// afterwards; a version whose bundle went missing is marked broken by the storage check, its page says so,
// and re-importing its bundle repairs it.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { importBundle } from './bundles';
import { asAdmin, createUser, E2E_ADMIN, signIn, tokenFor, unique } from './helpers';
import { instanceAppBundle } from './instance-app';

test.setTimeout(120_000);

test('deleting a version with a running instance lists it for confirmation; the instance keeps answering afterwards', async ({ page, request }) => {
  const owner = await createUser(request, { prefix: 'retire' });
  const auth = { Authorization: `Bearer ${await tokenFor(request, owner.email, owner.password)}` };
  const name = unique('retire');
  const imported = await importBundle(request, auth, await instanceAppBundle({ name, title: 'Retiring probe', routingMode: 'BASE_URL' }));
  expect(imported.status(), await imported.text()).toBe(201);

  await signIn(page, owner.email, owner.password);
  await page.goto(`/apps/${name}/1.0.0`);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.waitForURL(/\/instances\/[0-9a-f-]{36}\?open=1/);
  const id = /\/instances\/([0-9a-f-]{36})/.exec(page.url())![1];
  await page.waitForURL(new RegExp(`/instance/${id}/$`), { timeout: 60_000 });
  await expect(page.locator('#instance')).toHaveText(id);

  await page.goto('/my-apps');
  await page.getByRole('button', { name: 'Edit Retiring probe 1.0.0' }).click();
  const panel = page.getByRole('dialog', { name: 'Edit Retiring probe 1.0.0' });
  await panel.getByRole('button', { name: 'Delete this version' }).click();
  await panel.getByRole('button', { name: 'Yes, delete 1.0.0' }).click();
  // Not deleted yet: the instance is listed, linked to its page, with what deleting means for it.
  const listed = panel.getByTestId('delete-instances');
  await expect(listed).toContainText(`${name} 1.0.0 has 1 instance. Deleting it leaves it running (no new ones start)`);
  await expect(listed.getByRole('link', { name: `Instance ${id}` })).toHaveAttribute('href', `/instances/${id}`);
  await expect(listed).toContainText(`DEPLOYED · started by ${owner.name}`);
  expect((await request.get(`/api/v1/apps/${(await imported.json()).id}`, { headers: auth })).status()).toBe(200);
  await panel.getByRole('button', { name: 'Delete 1.0.0; its instance keeps running' }).click();
  await expect(panel).toBeHidden();
  await expect(page.getByRole('button', { name: 'Edit Retiring probe 1.0.0' })).toHaveCount(0);
  expect((await request.get(`/api/v1/apps/${(await imported.json()).id}`, { headers: auth })).status()).toBe(404);

  await page.goto('/instances');
  await expect(page.getByTestId('instance-row').filter({ hasText: 'Retiring probe 1.0.0' })).toContainText('(version deleted)');
  // The instance still answers through the router, and its page says what happened.
  await page.goto(`/instance/${id}/`);
  await expect(page.locator('#instance')).toHaveText(id);
  await page.goto(`/instances/${id}`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Retiring probe 1.0.0');
  await expect(page.getByTestId('version-deleted')).toContainText(`${name} 1.0.0 was deleted on`);
  // Paused and resumed, it starts again from the copy of its version.
  await page.getByRole('button', { name: /^Pause/ }).click();
  await expect(page.getByTestId('instance-status')).toHaveText('SUSPENDED');
  await page.getByRole('button', { name: /^Resume/ }).click();
  await expect(page.getByTestId('instance-status')).toHaveText('DEPLOYED', { timeout: 60_000 });
  const again = await page.request.get(`/instance/${id}/`);
  expect(again.status()).toBe(200);
  expect(await again.text()).toContain(id);

  expect((await request.delete(`/api/v1/instances/${id}`, { headers: auth })).status()).toBe(204);
});

test('a version whose bundle is missing is marked broken by the storage check; its page says so; re-importing the bundle repairs it', async ({
  page,
  request,
}) => {
  const owner = await createUser(request, { prefix: 'broken' });
  const auth = { Authorization: `Bearer ${await tokenFor(request, owner.email, owner.password)}` };
  const name = unique('broken');
  const bundle = await instanceAppBundle({ name, title: 'Broken probe' });
  const imported = await importBundle(request, auth, bundle, 'ALL_USERS');
  expect(imported.status(), await imported.text()).toBe(201);
  const sha: string = (await imported.json()).bundle.sha256;
  fs.rmSync(path.join(process.env.E2E_DATA_DIR!, 'bundles', sha.slice(0, 2), sha));
  const check = await request.post('/api/v1/admin/fsck', { headers: await asAdmin(request), data: {} });
  expect(check.status(), await check.text()).toBe(200);
  expect((await check.json()).broken).toContainEqual({ id: (await imported.json()).id, name, version: '1.0.0' });

  // Anyone who may see it learns it is broken and cannot run; its owner also learns which file.
  const reader = await createUser(request, { prefix: 'reader' });
  await signIn(page, reader.email, reader.password);
  await page.goto(`/apps/${name}/1.0.0`);
  await expect(page.getByTestId('broken-version')).toContainText('This version is broken: files it needs are missing');
  await expect(page.getByTestId('broken-version')).not.toContainText('bundles/');
  await expect(page.getByRole('button', { name: 'Run', exact: true })).toHaveCount(0);
  await expect(page.getByText(/Not runnable here: This version is broken/)).toBeVisible();

  await page.context().clearCookies();
  await signIn(page, owner.email, owner.password);
  await page.goto(`/apps/${name}/1.0.0`);
  await expect(page.getByTestId('broken-version')).toContainText(`its bundle is missing (bundles/${sha.slice(0, 2)}/${sha})`);
  await expect(page.getByRole('link', { name: 'Download' })).toHaveCount(0);

  // Admin → Storage names it, linked to its page.
  await page.context().clearCookies();
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await page.goto('/admin/storage');
  await expect(page.getByRole('link', { name: `${name} 1.0.0` })).toHaveAttribute('href', `/apps/${name}/1.0.0`);

  const repaired = await importBundle(request, auth, bundle);
  expect(repaired.status(), await repaired.text()).toBe(201);
  await page.goto(`/apps/${name}/1.0.0`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Broken probe');
  await expect(page.getByTestId('broken-version')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeVisible();
});
