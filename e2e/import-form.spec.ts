import { randomBytes } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { makeBundle } from './bundles';
import { createUser, signIn, tokenFor, unique } from './helpers';

/** Records every text the upload progress line shows, since a fast upload shows each only briefly. */
async function recordProgress(page: Page) {
  await page.evaluate(() => {
    // sessionStorage survives the navigation to the app's page.
    const seen: string[] = [];
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="upload-progress"]')?.textContent;
      if (text && seen.at(-1) !== text) {
        seen.push(text);
        sessionStorage.setItem('progress', JSON.stringify(seen));
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

test('import a valid bundle through the form: progress shown, lands on its page as PRIVATE', async ({ page, request }) => {
  const user = await createUser(request);
  await signIn(page, user.email, user.password);
  await page.goto('/my-apps/import');
  const name = unique('ai.e2e.form');
  // Mostly incompressible payload so that the upload takes a few progress events.
  const bundle = await makeBundle({ name, version: '1.0.0', title: 'Form imported app', files: { 'data/blob.bin': randomBytes(3 * 1024 * 1024) } });
  await page.getByLabel('Bundle').setInputFiles({ name: `${name}.wave`, mimeType: 'application/zip', buffer: bundle });
  await expect(page.getByLabel('Visibility')).toHaveValue('PRIVATE');
  await recordProgress(page);
  await page.getByRole('button', { name: 'Import' }).click();
  await expect(page).toHaveURL(new RegExp(`/apps/${name.replace(/\./g, '\\.')}/1\\.0\\.0$`));
  const progress: string[] = await page.evaluate(() => JSON.parse(sessionStorage.getItem('progress') ?? '[]'));
  expect(progress.some((t) => /[KMG]iB (of [\d.]+ [KMG]iB )?sent/.test(t))).toBe(true);

  const auth = { Authorization: `Bearer ${await tokenFor(request, user.email, user.password)}` };
  const [app] = await (await request.get(`/api/v1/apps?name=${name}`, { headers: auth })).json();
  expect(app).toMatchObject({ version: '1.0.0', visibility: 'PRIVATE', title: 'Form imported app' });
});

test('an invalid bundle lists every error with its path, and nothing is stored', async ({ page, request }) => {
  const user = await createUser(request);
  await signIn(page, user.email, user.password);
  await page.goto('/my-apps/import');
  const name = unique('ai.e2e.invalid');
  const bundle = await makeBundle({
    name,
    appToml: `[App]\nName = "${name}"\nVersion = "1.0"\nInstanceLifecycle = "SOMETIMES"\n\n[Runtime]\nModule = "app.main"\nCPULimit = "fast"\n\n[[File]]\nPath = "secret.txt"\nValue = "x"\n`,
  });
  await page.getByLabel('Bundle').setInputFiles({ name: 'bad.wave', mimeType: 'application/zip', buffer: bundle });
  await page.getByRole('button', { name: 'Import' }).click();
  const errors = page.getByTestId('import-errors');
  await expect(errors).toBeVisible();
  for (const path of ['App.Version', 'App.InstanceLifecycle', 'Runtime.CPULimit', 'File[0].Path']) {
    await expect(errors).toContainText(path);
  }
  await expect(page).toHaveURL(/\/my-apps\/import$/);
  const auth = { Authorization: `Bearer ${await tokenFor(request, user.email, user.password)}` };
  expect(await (await request.get(`/api/v1/apps?name=${name}`, { headers: auth })).json()).toEqual([]);
});

test('importing the same version twice is refused clearly', async ({ page, request }) => {
  const user = await createUser(request);
  await signIn(page, user.email, user.password);
  const name = unique('ai.e2e.twice');
  const bundle = await makeBundle({ name, version: '2.0.0' });
  for (const attempt of [1, 2]) {
    await page.goto('/my-apps/import');
    await page.getByLabel('Bundle').setInputFiles({ name: 'app.wave', mimeType: 'application/zip', buffer: bundle });
    await page.getByRole('button', { name: 'Import' }).click();
    if (attempt === 1) await expect(page).toHaveURL(/\/apps\//);
  }
  await expect(page.getByRole('alert').filter({ hasText: 'The bundle was not imported' })).toContainText(
    `${name} version 2.0.0 already exists`,
  );
  await expect(page.getByRole('alert').filter({ hasText: 'The bundle was not imported' })).toContainText('bump App.Version');
});
