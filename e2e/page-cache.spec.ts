// The cache of rendered pages in front of Next (server.mjs): a repeat view is served from it, and any
// change that could alter the page, or the viewer's access, is seen on the very next request.
import { expect, test } from '@playwright/test';
import { importApp } from './bundles';
import { asAdmin, createUser, signIn, tokenFor, unique } from './helpers';

test('catalog pages come from the cache until the catalog or the viewer changes', async ({ page, request }) => {
  const user = await createUser(request);
  await signIn(page, user.email, user.password);
  const word = unique('cachedword').replace(/-/g, '');
  const url = `/?q=${word}`;
  const first = await page.request.get(url);
  expect(first.headers()['x-page-cache']).toBe('miss');
  const again = await page.request.get(url);
  expect(again.headers()['x-page-cache']).toBe('hit');
  expect(await again.text()).toContain('No apps match');

  // Publishing an app that matches changes the page at once.
  const auth = { Authorization: `Bearer ${await tokenFor(request, user.email, user.password)}` };
  await importApp(request, auth, { name: unique('ai.e2e.cached'), title: 'Cached app', description: word }, 'ALL_USERS');
  const fresh = await page.request.get(url);
  expect(fresh.headers()['x-page-cache']).toBe('miss');
  expect(await fresh.text()).toContain('Cached app');

  // A disabled user is not served the cached page: they are sent to sign in.
  const res = await request.patch(`/api/v1/users/${user.id}`, { headers: await asAdmin(request), data: { disabled: true } });
  expect(res.status()).toBe(200);
  await page.goto(url);
  await expect(page).toHaveURL(/\/login/);
});
