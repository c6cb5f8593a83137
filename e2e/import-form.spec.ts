import { randomBytes } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { importApp, makeBundle } from './bundles';
import { asAdmin, createUser, E2E_ADMIN, signIn, tokenFor, unique } from './helpers';

const VIEWPORTS = [
  { width: 1280, height: 900 },
  { width: 390, height: 844 },
];

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

for (const viewport of VIEWPORTS) {
  test(`import a valid bundle through the form: progress shown, confirmed as PRIVATE with a link to its page (${viewport.width} px)`, async ({ page, request }) => {
    await page.setViewportSize(viewport);
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
    await expect(page.getByRole('heading', { name: 'Imported Form imported app 1.0.0 as PRIVATE' })).toBeFocused();
    const progress: string[] = await page.evaluate(() => JSON.parse(sessionStorage.getItem('progress') ?? '[]'));
    expect(progress.some((t) => /[KMG]iB (of [\d.]+ [KMG]iB )?sent/.test(t))).toBe(true);

    const auth = { Authorization: `Bearer ${await tokenFor(request, user.email, user.password)}` };
    const [app] = await (await request.get(`/api/v1/apps?name=${name}`, { headers: auth })).json();
    expect(app).toMatchObject({ version: '1.0.0', visibility: 'PRIVATE', title: 'Form imported app' });
    await page.getByRole('link', { name: "Open the app's page" }).click();
    await expect(page).toHaveURL(new RegExp(`/apps/${name.replace(/\./g, '\\.')}/1\\.0\\.0$`));
  });
}

for (const viewport of VIEWPORTS) {
  test(`a successful import keeps every warning and offers the next steps (${viewport.width} px)`, async ({ page, request }) => {
    await page.setViewportSize(viewport);
    const user = await createUser(request);
    await signIn(page, user.email, user.password);
    await page.goto('/my-apps/import');
    const name = unique('ai.e2e.warned');
    const bundle = await makeBundle({
      name,
      icon: false,
      appToml: `[App]\nName = "${name}"\nVersion = "1.2.0"\nTitle = "Warned app"\nDescription = "d"\nCategory = "Data Science"\nKeywords = ["a"]\nTags = ["no-such-tag-${name}"]\n\n[Runtime]\nModule = "app.main"\n`,
    });
    await page.getByLabel('Bundle').setInputFiles({ name: 'warned.wave', mimeType: 'application/zip', buffer: bundle });
    await page.getByRole('button', { name: 'Import' }).click();
    const done = page.getByTestId('import-done');
    await expect(done.getByRole('heading', { name: 'Imported Warned app 1.2.0 as PRIVATE' })).toBeVisible();
    const warnings = done.getByTestId('import-warnings');
    for (const path of ['App.Category', 'App.Keywords', 'App.Tags[0]']) await expect(warnings).toContainText(path);
    await expect(warnings).toContainText(`no-such-tag-${name}`);
    await expect(warnings).toContainText(/icon/i);
    await expect(page).toHaveURL(/\/my-apps\/import$/);
    await done.getByRole('link', { name: 'Publish and add tags' }).click();
    await expect(page).toHaveURL(/\/my-apps\?edit=/);
    await expect(page.getByRole('dialog', { name: 'Edit Warned app 1.2.0' })).toBeVisible();
  });
}

for (const viewport of VIEWPORTS) {
  test(`a successful import shows lowercase-key, GPU and deprecated-runtime warnings (${viewport.width} px)`, async ({ page, browser, request }) => {
    await page.setViewportSize(viewport);
    // A deprecated CPU runtime of its own, added and deprecated by an administrator (never the default).
    const runtime = unique('deb10_py37').replaceAll('-', '_');
    const adminContext = await browser.newContext();
    const adminPage = await adminContext.newPage();
    await signIn(adminPage, E2E_ADMIN.email, E2E_ADMIN.password);
    await adminPage.goto('/admin/runtimes');
    const add = adminPage.getByRole('form', { name: 'New runtime version' });
    await add.getByLabel('Name').fill(runtime);
    await add.getByLabel('Python version').fill('3.7');
    await add.getByLabel('Note').fill('end of life');
    await add.getByRole('button', { name: 'Add runtime version' }).click();
    await expect(add.getByRole('status')).toHaveText(`Added ${runtime}.`);
    const row = adminPage.getByTestId('runtime-row').filter({ hasText: runtime });
    await row.getByRole('button', { name: `Deprecate: ${runtime}` }).click();
    await expect(row).toContainText('deprecated');
    await adminContext.close();

    const user = await createUser(request);
    await signIn(page, user.email, user.password);
    await page.goto('/my-apps/import');
    const name = unique('ai.e2e.oldgpu');
    const appToml = `[App]\nName = "${name}"\nVersion = "1.0.0"\ntitle = "Old GPU app"\n\n[Runtime]\nModule = "app.main"\nRuntimeVersion = "${runtime}"\nGPUCount = 1\n`;
    await page.getByLabel('Bundle').setInputFiles({ name: 'oldgpu.wave', mimeType: 'application/zip', buffer: await makeBundle({ name, appToml }) });
    await page.getByRole('button', { name: 'Import' }).click();
    const done = page.getByTestId('import-done');
    // The lowercase key was read: the title is the app's.
    await expect(done.getByRole('heading', { name: 'Imported Old GPU app 1.0.0 as PRIVATE' })).toBeVisible();
    const warnings = done.getByTestId('import-warnings');
    await expect(warnings).toContainText('"title" is read as "Title"');
    await expect(warnings).toContainText('Runtime.GPUCount');
    await expect(warnings).toContainText(`GPUCount is 1 but runtime version "${runtime}" has no GPU support`);
    await expect(warnings).toContainText('Runtime.RuntimeVersion');
    await expect(warnings).toContainText(`Runtime version "${runtime}" is deprecated (end of life)`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
  });
}

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

test('the form lists manifest, contents, runtime, secret, Name ownership and version-limit problems together', async ({ page, request }) => {
  test.setTimeout(90_000);
  const [owner, user] = [await createUser(request), await createUser(request)];
  // The Name is another user's, and the importer already holds APP_VERSION_LIMIT (10) versions.
  const name = unique('ai.e2e.allatonce');
  await importApp(request, { Authorization: `Bearer ${await tokenFor(request, owner.email, owner.password)}` }, { name, version: '0.1.0' });
  const userHeaders = { Authorization: `Bearer ${await tokenFor(request, user.email, user.password)}` };
  const held = unique('ai.e2e.held');
  for (let i = 0; i < 10; i++) await importApp(request, userHeaders, { name: held, version: `1.0.${i}` });
  await signIn(page, user.email, user.password);
  await page.goto('/my-apps/import');
  const bundle = await makeBundle({
    name,
    appToml: `[App]\nName = "${name}"\nVersion = "1.0"\nLongDescription = "missing.md"\n\n[Runtime]\nModule = "app.main"\nRuntimeVersion = "deb99_nope"\n\n[[Env]]\nName = "TOKEN"\nSecret = "no-such-secret"\nSecretKey = "token"\n`,
  });
  await page.getByLabel('Bundle').setInputFiles({ name: 'bad.wave', mimeType: 'application/zip', buffer: bundle });
  await page.getByRole('button', { name: 'Import' }).click();
  const errors = page.getByTestId('import-errors');
  for (const path of ['App.Version', 'App.LongDescription', 'Runtime.RuntimeVersion', 'Env[0].Secret', 'App.Name']) await expect(errors).toContainText(path);
  await expect(errors).toContainText('missing.md');
  await expect(errors).toContainText(`The app name ${name} is not available to you`);
  await expect(errors).toContainText('You already hold 10 imported app versions');
});

test('an unclosed string in app.toml is reported where it starts, with the line and a caret', async ({ page, request }) => {
  const user = await createUser(request);
  await signIn(page, user.email, user.password);
  await page.goto('/my-apps/import');
  const name = unique('ai.e2e.unclosed');
  const bundle = await makeBundle({ name, appToml: `[App]\nName = "${name}\nVersion = "1.0.0"\n` });
  await page.getByLabel('Bundle').setInputFiles({ name: 'unclosed.wave', mimeType: 'application/zip', buffer: bundle });
  await page.getByRole('button', { name: 'Import' }).click();
  const errors = page.getByTestId('import-errors');
  await expect(errors).toContainText('unterminated string starting at line 2, column 8');
  await expect(errors).not.toContainText('control characters');
  await expect(errors.getByTestId('problem-excerpt')).toHaveText(`  2 | Name = "${name}\n    |        ^`);
});

for (const viewport of VIEWPORTS) {
  test(`importing the same version twice is refused clearly (${viewport.width} px)`, async ({ page, request }) => {
    await page.setViewportSize(viewport);
    const user = await createUser(request);
    await signIn(page, user.email, user.password);
    const name = unique('ai.e2e.twice');
    const bundle = await makeBundle({ name, version: '2.0.0' });
    for (const attempt of [1, 2]) {
      await page.goto('/my-apps/import');
      await page.getByLabel('Bundle').setInputFiles({ name: 'app.wave', mimeType: 'application/zip', buffer: bundle });
      await page.getByRole('button', { name: 'Import' }).click();
      if (attempt === 1) await expect(page.getByTestId('import-done')).toBeVisible();
    }
    await expect(page.getByRole('alert').filter({ hasText: 'The bundle was not imported' })).toContainText(
      `${name} version 2.0.0 already exists`,
    );
    const refusal = page.getByRole('alert').filter({ hasText: 'The bundle was not imported' });
    await expect(refusal).toContainText('bump App.Version');
    // It links to the version that already exists.
    await refusal.getByRole('link', { name: `Open ${name} 2.0.0` }).click();
    await expect(page).toHaveURL(new RegExp(`/apps/${name.replace(/\./g, '\\.')}/2\\.0\\.0$`));
    await expect(page.getByTestId('app-name-version')).toHaveText(`${name} version 2.0.0`);
  });
}

test('a legacy Category becomes the matching category tag; otherwise the warning names the category tags', async ({ page, request }) => {
  const title = unique('Legacy Science');
  const tag = await request.post('/api/v1/tags', {
    headers: await asAdmin(request),
    data: { name: title.toLowerCase().replace(/\s+/g, '-'), title, isCategory: true },
  });
  expect(tag.status(), await tag.text()).toBe(201);
  const tagName = (await tag.json()).name as string;
  const user = await createUser(request);
  await signIn(page, user.email, user.password);

  const name = unique('ai.e2e.category');
  const toml = (category: string, version: string) =>
    `[App]\nName = "${name}"\nVersion = "${version}"\nTitle = "Categorised app"\nCategory = "${category}"\n\n[Runtime]\nModule = "app.main"\n`;
  await page.goto('/my-apps/import');
  await page.getByLabel('Bundle').setInputFiles({ name: 'cat.wave', mimeType: 'application/zip', buffer: await makeBundle({ name, appToml: toml(title, '1.0.0') }) });
  await page.getByRole('button', { name: 'Import' }).click();
  const warnings = page.getByTestId('import-done').getByTestId('import-warnings');
  await expect(warnings).toContainText(`App.Category: Category "${title}" is a legacy attribute: the category tag ${tagName} ("${title}") was assigned`);
  await page.getByRole('link', { name: "Open the app's page" }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Categorised app' })).toBeVisible();
  await expect(page.getByRole('main')).toContainText(title);

  await page.goto('/my-apps/import');
  await page.getByLabel('Bundle').setInputFiles({ name: 'cat.wave', mimeType: 'application/zip', buffer: await makeBundle({ name, appToml: toml('Telecommunications', '1.0.1') }) });
  await page.getByRole('button', { name: 'Import' }).click();
  const unmatched = page.getByTestId('import-done').getByTestId('import-warnings');
  await expect(unmatched).toContainText('Category "Telecommunications" is a legacy attribute and matches no category tag');
  await expect(unmatched).toContainText(`${tagName} ("${title}")`);
  const auth = { Authorization: `Bearer ${await tokenFor(request, user.email, user.password)}` };
  const versions = (await (await request.get(`/api/v1/apps?name=${name}`, { headers: auth })).json()) as { version: string; tags: { name: string }[] }[];
  expect(versions.map((v) => [v.version, v.tags.map((t) => t.name)])).toEqual([
    ['1.0.1', []],
    ['1.0.0', [tagName]],
  ]);
});

for (const viewport of VIEWPORTS) {
  test(`an upload can be cancelled, and leaving mid-upload asks first; the picker takes .wave and .zip (${viewport.width} px)`, async ({ page, request }) => {
    await page.setViewportSize(viewport);
    const user = await createUser(request);
    await signIn(page, user.email, user.password);
    await page.goto('/my-apps/import');
    await expect(page.getByLabel('Bundle')).toHaveAttribute('accept', /(^|,)\.wave(,|$)/);
    await expect(page.getByLabel('Bundle')).toHaveAttribute('accept', /(^|,)\.zip(,|$)/);
    // The upload is held on its way, as on a slow network, until the test lets it go.
    let held = false;
    await page.route('**/api/v1/uploads', () => {
      held = true; // never answered: the browser cancels it
    });
    const name = unique('ai.e2e.cancel');
    const bundle = await makeBundle({ name, version: '1.0.0', title: 'Cancelled app' });
    await page.getByLabel('Bundle').setInputFiles({ name: `${name}.wave`, mimeType: 'application/zip', buffer: bundle });
    await page.getByRole('button', { name: 'Import' }).click();
    const cancel = page.getByRole('button', { name: 'Cancel upload' });
    await expect(cancel).toBeVisible();
    await expect.poll(() => held).toBe(true);

    // A link of the portal asks before leaving; staying keeps the upload going.
    const dialogs: { type: string; message: string }[] = [];
    page.on('dialog', (d) => {
      dialogs.push({ type: d.type(), message: d.message() });
      void d.dismiss();
    });
    await page.getByRole('link', { name: 'My Apps' }).first().click();
    await expect.poll(() => dialogs).toEqual([{ type: 'confirm', message: expect.stringContaining('still being uploaded') }]);
    await expect(page).toHaveURL(/\/my-apps\/import$/);
    await expect(cancel).toBeVisible();

    await cancel.click();
    await expect(page.locator('#upload-error')).toHaveText('Upload cancelled: nothing was imported.');
    await expect(cancel).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Import' })).toBeEnabled();

    // Nothing was imported; the same file imports once the network lets it through.
    const auth = { Authorization: `Bearer ${await tokenFor(request, user.email, user.password)}` };
    expect(await (await request.get(`/api/v1/apps?name=${name}`, { headers: auth })).json()).toEqual([]);
    await page.unroute('**/api/v1/uploads');
    await page.getByRole('button', { name: 'Import' }).click();
    await expect(page.getByRole('heading', { name: 'Imported Cancelled app 1.0.0 as PRIVATE' })).toBeVisible();
  });
}

for (const viewport of VIEWPORTS) {
  test(`closing the page mid-upload asks first (beforeunload) (${viewport.width} px)`, async ({ page, request }) => {
    await page.setViewportSize(viewport);
    const user = await createUser(request);
    await signIn(page, user.email, user.password);
    await page.goto('/my-apps/import');
    await page.route('**/api/v1/uploads', () => {
      // held: the upload never finishes
    });
    await page.getByLabel('Bundle').setInputFiles({ name: 'slow.wave', mimeType: 'application/zip', buffer: await makeBundle({ name: unique('ai.e2e.leave') }) });
    await page.getByRole('button', { name: 'Import' }).click();
    await expect(page.getByRole('button', { name: 'Cancel upload' })).toBeVisible();
    const asked = page.waitForEvent('dialog');
    await page.close({ runBeforeUnload: true });
    const dialog = await asked;
    expect(dialog.type()).toBe('beforeunload');
    await dialog.accept();
  });
}

test('a missing secret is one line listing the keys the app needs, linking to My secrets with the form filled in', async ({ page, request }) => {
  const user = await createUser(request);
  await signIn(page, user.email, user.password);
  await page.goto('/my-apps/import');
  const name = unique('ai.e2e.nosecret');
  const secret = unique('team-db').toLowerCase();
  const env = (n: string, key: string) => `[[Env]]\nName = "${n}"\nSecret = "${secret}"\nSecretKey = "${key}"\n`;
  const appToml = `[App]\nName = "${name}"\nVersion = "1.0.0"\n\n[Runtime]\nModule = "app.main"\n\n${env('DB_USER', 'user')}\n${env('DB_PASSWORD', 'password')}\n${env('DB_USER_AGAIN', 'user')}`;
  await page.getByLabel('Bundle').setInputFiles({ name: 'needs.wave', mimeType: 'application/zip', buffer: await makeBundle({ name, appToml }) });
  await page.getByRole('button', { name: 'Import' }).click();
  const errors = page.getByTestId('import-errors');
  await expect(errors.getByRole('listitem')).toHaveCount(1);
  await expect(errors).toContainText(
    `Env[0].Secret: Secret "${secret}" does not exist or is not usable by your apps; this app needs it with the keys password, user (Env[0], Env[1], Env[2]).`,
  );
  await errors.getByRole('link', { name: `Create ${secret} on My secrets` }).click();
  await expect(page).toHaveURL(/\/my-secrets\?/);
  const form = page.getByRole('form', { name: 'New secret' });
  await expect(form.getByLabel('Secret name')).toHaveValue(secret);
  await expect(form.getByLabel('Key 1')).toHaveValue('password');
  await expect(form.getByLabel('Key 2')).toHaveValue('user');
});
