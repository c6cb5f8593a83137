// The admin's storage page: a check on demand, a backup downloaded from the browser, and the last check's
// report still shown after a restart (the weekly check may be days away).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { ADMIN, adminToken, startServer } from '../scripts/lib/server';
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
  const tar = fs.readFileSync(file);
  expect(tar.subarray(0, 11).toString()).toBe('appstore.db'); // the database streams first…
  expect(tar.lastIndexOf('manifest.json')).toBeGreaterThan(tar.length - 64 * 1024); // …and the manifest of checksums comes last
});

// +22 backup.spec, +24 instances-unsandboxed.spec; its own server, restarted.
const PORT = Number(process.env.E2E_PORT || 3107) + 26;

test.describe('after a restart', () => {
  test.use({ baseURL: `http://127.0.0.1:${PORT}` });
  test.setTimeout(180_000);

  test('Admin → Storage still shows the last check from before the restart', async ({ page }) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'appstore-storage-'));
    let server = await startServer({ port: PORT, dataDir, compiled: true });
    try {
      const orphan = path.join(dataDir, 'assets', 'ff', 'f'.repeat(64));
      fs.mkdirSync(path.dirname(orphan), { recursive: true });
      fs.writeFileSync(orphan, 'no row references this file');
      const check = await fetch(`${server.url}/api/v1/admin/fsck`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await adminToken(server.url)}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(((await check.json()) as { orphans: string[] }).orphans).toEqual([`assets/ff/${'f'.repeat(64)}`]);
      await server.stop();

      server = await startServer({ port: PORT, dataDir, compiled: true });
      await signIn(page, ADMIN.email, ADMIN.password);
      await page.goto('/admin/storage');
      await expect(page.getByTestId('fsck-summary')).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC: 0 corrupted, 0 missing, 1 orphan file\(s\); database ok\.$/);
      await expect(page.getByText(`Not referenced: assets/ff/${'f'.repeat(64)}`)).toBeVisible();
    } finally {
      await server.kill();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
