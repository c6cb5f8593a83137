// MANAGED apps in the browser: the owner starts the instance for others and picks who may open it (all users
// by default); before that, other users see "Not running"; after it, Visit.
import { expect, test } from '@playwright/test';
import { importBundle } from './bundles';
import { createUser, signIn, tokenFor, unique } from './helpers';
import { instanceAppBundle } from './instance-app';

test.setTimeout(120_000);

test('the owner starts a MANAGED app’s instance open to all users; before it runs others read "Not running", then get Visit', async ({
  page,
  request,
  browser,
  baseURL,
}) => {
  const owner = await createUser(request, { prefix: 'managed-owner' });
  const user = await createUser(request, { prefix: 'managed-user' });
  const auth = { Authorization: `Bearer ${await tokenFor(request, owner.email, owner.password)}` };
  const name = unique('managed');
  const imported = await importBundle(request, auth, await instanceAppBundle({ name, lifecycle: 'MANAGED', routingMode: 'BASE_URL' }), 'ALL_USERS');
  expect(imported.status(), await imported.text()).toBe(201);

  const userContext = await browser.newContext({ baseURL });
  const userPage = await userContext.newPage();
  await signIn(userPage, user.email, user.password);
  await userPage.goto(`/apps/${name}/1.0.0`);
  await expect(userPage.getByTestId('not-running')).toContainText('Not running');
  await expect(userPage.getByRole('link', { name: 'Visit' })).toHaveCount(0);
  await expect(userPage.getByRole('button', { name: 'Start instance' })).toHaveCount(0);

  await signIn(page, owner.email, owner.password);
  await page.goto(`/apps/${name}/1.0.0`);
  await expect(page.getByTestId('not-running')).toHaveCount(0);
  const visibility = page.getByLabel('Who may open the instance');
  await expect(visibility).toHaveValue('ALL_USERS');
  await page.getByRole('button', { name: 'Start instance' }).click();
  await page.waitForURL(/\/instances\/[0-9a-f-]{36}\?open=1/);
  const id = /\/instances\/([0-9a-f-]{36})/.exec(page.url())![1];
  const started = await (await request.get(`/api/v1/instances/${id}`, { headers: auth })).json();
  expect(started.visibility).toBe('ALL_USERS');
  await expect.poll(async () => (await (await request.get(`/api/v1/instances/${id}`, { headers: auth })).json()).status, { timeout: 30_000 }).toBe('DEPLOYED');
  // The owner's page opens the app once it answers (?open=1); a navigation started before that would be
  // aborted by it, so the test waits for it (CI failure: net::ERR_ABORTED on the next page.goto).
  await page.waitForURL(new RegExp(`/instance/${id}/$`), { timeout: 30_000 });

  await userPage.goto(`/apps/${name}/1.0.0`);
  await expect(userPage.getByTestId('not-running')).toHaveCount(0);
  await userPage.getByRole('link', { name: 'Visit' }).click();
  await userPage.waitForURL(new RegExp(`/instance/${id}/$`));
  await expect(userPage.locator('#instance')).toHaveText(id);

  // The owner may also start one only for themselves: the choice is sent.
  await page.goto(`/apps/${name}/1.0.0`);
  await page.getByLabel('Who may open the instance').selectOption('PRIVATE');
  await page.getByRole('button', { name: 'Start instance' }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/instances/') && !url.pathname.includes(id));
  const second = /\/instances\/([0-9a-f-]{36})/.exec(page.url())![1];
  expect((await (await request.get(`/api/v1/instances/${second}`, { headers: auth })).json()).visibility).toBe('PRIVATE');
  for (const i of [id, second]) expect((await request.delete(`/api/v1/instances/${i}`, { headers: auth })).status()).toBe(204);
  await userContext.close();
});
