// The admin's storage page: a check on demand, and a backup downloaded from the browser.
import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { E2E_ADMIN, signIn } from './helpers';

test('an admin runs the storage check and downloads a backup from Admin → Storage', async ({ page }) => {
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await page.goto('/admin/storage');
  await page.getByRole('button', { name: 'Check now' }).click();
  await expect(page.getByTestId('fsck-summary')).toContainText(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC: /);

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download a backup' }).click();
  const file = await (await download).path();
  expect((await download).suggestedFilename()).toMatch(/^appstore-backup-.*\.tar$/);
  const head = fs.readFileSync(file).subarray(0, 512);
  expect(head.subarray(0, 13).toString()).toBe('manifest.json'); // a tar whose first entry is the manifest
});
