// Secrets in the browser: a user saves one, their app may name it, another user's app may not, and the
// value is never sent back to any browser.
import { expect, test, type Page, type Response } from '@playwright/test';
import { importBundle, importApp, makeBundle } from './bundles';
import { asAdmin, createUser, RESTRICTED, signIn, tokenFor, unique } from './helpers';

/** Every response body the page receives while `run` runs (documents, RSC payloads, server action answers). */
async function bodiesDuring(page: Page, run: () => Promise<void>): Promise<string[]> {
  const pending: Promise<string>[] = [];
  const listener = (response: Response) => {
    pending.push(response.text().catch(() => ''));
  };
  page.on('response', listener);
  await run();
  await page.waitForLoadState('networkidle');
  page.off('response', listener);
  return Promise.all(pending);
}

async function createSecretInPage(page: Page, name: string, key: string, value: string) {
  const form = page.getByRole('form', { name: 'New secret' });
  await form.getByLabel('Secret name').fill(name);
  await form.getByLabel('Key 1').fill(key);
  await form.getByLabel('Value 1').fill(value);
  await form.getByRole('button', { name: 'Save secret' }).click();
  await expect(form.getByRole('status')).toHaveText(`Saved secret ${name} with 1 key(s).`);
}

test('a PRIVATE secret serves its owner’s app, is refused to another user’s app, and its value never comes back', async ({
  page,
  request,
}) => {
  const alice = await createUser(request, { prefix: 'alice' });
  const bob = await createUser(request, { prefix: 'bob' });
  const secretName = unique('db');
  const value = `v4lue-${unique('x')}`;
  const replaced = `r3placed-${unique('y')}`;

  await signIn(page, alice.email, alice.password);
  await page.goto('/my-secrets');
  await expect(page.getByRole('heading', { name: 'My secrets', level: 1 })).toBeVisible();
  const onSave = await bodiesDuring(page, () => createSecretInPage(page, secretName, 'password', value));
  for (const body of onSave) expect(body).not.toContain(value);

  const row = page.getByTestId('secret-row').filter({ hasText: secretName });
  await expect(row.getByRole('cell', { name: 'password' })).toBeVisible();
  await expect(row.getByLabel('value hidden')).toHaveText('••••••••');
  // The form was cleared and the value is in no HTML: the rendered DOM, the document, nor the RSC payload.
  await expect(page.getByRole('form', { name: 'New secret' }).getByLabel('Value 1')).toHaveValue('');
  expect(await page.content()).not.toContain(value);
  const document = await page.goto('/my-secrets');
  expect(await document!.text()).not.toContain(value);
  const rsc = await page.request.get('/my-secrets', { headers: { RSC: '1' } });
  expect(await rsc.text()).not.toContain(value);

  // Replace the value from the page; neither value comes back.
  const onReplace = await bodiesDuring(page, async () => {
    await row.getByText('Change').click();
    await row.getByLabel('New value for password').fill(replaced);
    await row.getByRole('button', { name: 'Replace value' }).click();
    await expect(row.getByRole('status').first()).toHaveText(`Saved key password of ${secretName}.`);
  });
  for (const body of onReplace) {
    expect(body).not.toContain(value);
    expect(body).not.toContain(replaced);
  }
  expect(await page.content()).not.toContain(replaced);

  // The API lists names and keys only.
  const aliceHeaders = { Authorization: `Bearer ${await tokenFor(request, alice.email, alice.password)}` };
  const listed = await request.get('/api/v1/secrets', { headers: aliceHeaders });
  const listedText = await listed.text();
  expect(listedText).toContain(secretName);
  expect(listedText).not.toContain(value);
  expect(listedText).not.toContain(replaced);

  // Alice's app names her secret: imported.
  const aliceApp = unique('alice-app');
  await importApp(request, aliceHeaders, {
    name: aliceApp,
    env: [{ Name: 'DB_PASSWORD', Secret: secretName, SecretKey: 'password' }],
  });

  // Bob's app names Alice's secret: refused, naming the entry, exactly as for a secret that does not exist.
  const bobHeaders = { Authorization: `Bearer ${await tokenFor(request, bob.email, bob.password)}` };
  const refuse = async (secret: string) => {
    const res = await importBundle(
      request,
      bobHeaders,
      await makeBundle({ name: unique('bob-app'), env: [{ Name: 'DB_PASSWORD', Secret: secret, SecretKey: 'password' }] }),
    );
    expect(res.status()).toBe(400);
    return (await res.json()).errors as { path: string; message: string }[];
  };
  const foreign = await refuse(secretName);
  expect(foreign).toContainEqual(expect.objectContaining({ path: 'Env[0].Secret', message: expect.stringContaining(`"${secretName}"`) }));
  const missing = await refuse(`${secretName}-nope`);
  const messageOf = (errors: { path: string; message: string }[], name: string) =>
    errors.find((e) => e.path === 'Env[0].Secret')!.message.replace(name, 'NAME');
  expect(messageOf(foreign, secretName)).toBe(messageOf(missing, `${secretName}-nope`));

  // While Alice's app names it, the secret cannot be deleted; the refusal lists the app.
  await page.goto('/my-secrets');
  page.once('dialog', (dialog) => dialog.accept());
  await row.getByRole('button', { name: `Delete secret ${secretName}` }).click();
  await expect(row.getByRole('status').last()).toContainText(`still named by imported apps: ${aliceApp} 0.0.1`);
  const apiDelete = await request.delete(`/api/v1/secrets/${secretName}`, { headers: aliceHeaders });
  expect(apiDelete.status()).toBe(409);
  expect((await apiDelete.json()).error.message).toContain(aliceApp);
});

test('an admin shares a secret with all users: users see its name and keys, and cannot change it', async ({
  page,
  request,
  browser,
}) => {
  const name = unique('team');
  const value = `sh4red-${unique('z')}`;
  const created = await request.post('/api/v1/secrets', {
    headers: await asAdmin(request),
    data: { name, visibility: 'ALL_USERS', values: { token: value } },
  });
  expect(created.status(), await created.text()).toBe(201);
  expect(await created.text()).not.toContain(value);

  const user = await createUser(request);
  await signIn(page, user.email, user.password);
  await page.goto('/my-secrets');
  const shared = page.getByRole('region', { name: /Secrets for all users/ });
  const row = shared.getByTestId('secret-row').filter({ hasText: name });
  await expect(row.getByRole('cell', { name: 'token' })).toBeVisible();
  await expect(row.getByRole('button')).toHaveCount(0);
  expect(await page.content()).not.toContain(value);

  const headers = { Authorization: `Bearer ${await tokenFor(request, user.email, user.password)}` };
  const patch = await request.patch(`/api/v1/secrets/${name}`, { headers, data: { set: { token: 'mine now' } } });
  expect(patch.status()).toBe(403);
  // …and the user's own app may name it.
  await importApp(request, headers, { name: unique('team-app'), env: [{ Name: 'TOKEN', Secret: name, SecretKey: 'token' }] });

  // The admin page lists it with its owner.
  const adminContext = await browser.newContext();
  const adminPage = await adminContext.newPage();
  await signIn(adminPage, 'admin@e2e.test', 'e2e-admin-password-1');
  await adminPage.goto('/admin/secrets');
  await expect(
    adminPage.getByRole('region', { name: /ALL_USERS secrets/ }).getByTestId('secret-row').filter({ hasText: name }),
  ).toContainText('token');
  expect(await adminPage.content()).not.toContain(value);
  await adminContext.close();
});

test('the create form reports bad names and keys next to their fields and keeps what was typed', async ({
  page,
  request,
}) => {
  const user = await createUser(request);
  await signIn(page, user.email, user.password);
  await page.goto('/my-secrets');
  const form = page.getByRole('form', { name: 'New secret' });
  await form.getByLabel('Secret name').fill('Not_Valid');
  await form.getByLabel('Key 1').fill('bad key');
  await form.getByLabel('Value 1').fill('typed value');
  await form.getByRole('button', { name: 'Add another key' }).click();
  await form.getByLabel('Key 2').fill('fine');
  await form.getByRole('button', { name: 'Save secret' }).click();
  await expect(form.locator('#secret-name-error')).toContainText('not a valid secret name');
  await expect(form.getByLabel('Secret name')).toHaveAccessibleDescription(/not a valid secret name/);
  await expect(form.locator('#secret-key-0-error')).toContainText('not a valid secret key');
  await expect(form.locator('#secret-value-1-error')).toHaveText('Enter a value.');
  await expect(form.getByLabel('Value 1')).toHaveValue('typed value');
  await expect(page.getByRole('region', { name: /Private secrets/ }).getByTestId('secret-row')).toHaveCount(0);
});

test.describe('visitors', () => {
  test.use({ baseURL: RESTRICTED.url });

  test('see no secrets: the page is not found and the API refuses', async ({ page, request }) => {
    const visitor = await createUser(request, { prefix: 'visitor' });
    await signIn(page, visitor.email, visitor.password);
    const response = await page.goto('/my-secrets');
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'My secrets' })).toHaveCount(0);
    const headers = { Authorization: `Bearer ${await tokenFor(request, visitor.email, visitor.password)}` };
    expect((await request.get('/api/v1/secrets', { headers })).status()).toBe(403);
    expect((await request.post('/api/v1/secrets', { headers, data: { name: 'x', values: { k: 'v' } } })).status()).toBe(403);
    expect((await request.get('/api/v1/secrets')).status()).toBe(401);
  });
});

test('My secrets fits a narrow screen and works from the keyboard', async ({ page, request }) => {
  const user = await createUser(request);
  await page.setViewportSize({ width: 375, height: 800 });
  await signIn(page, user.email, user.password);
  await page.goto('/my-secrets');
  const name = unique('kbd');
  await page.getByLabel('Secret name').focus();
  await page.keyboard.type(name);
  await page.keyboard.press('Tab'); // Key 1
  await page.keyboard.type('token');
  await page.keyboard.press('Tab'); // Value 1
  await page.keyboard.type('keyboard-value');
  await page.keyboard.press('Tab'); // Add another key
  await page.keyboard.press('Tab'); // Save secret
  await page.keyboard.press('Enter');
  const row = page.getByTestId('secret-row').filter({ hasText: name });
  await expect(row.getByRole('cell', { name: 'token' })).toBeVisible();
  await row.getByText('Change').click();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
