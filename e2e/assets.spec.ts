// Icons and screenshots come the same way to a browser (its session cookie: answered before Next by
// lib/router/asset-router.ts) and to an API client (a Bearer token: the route, app/assets/…/route.ts): the same
// bytes, caching and headers (the route adds only Next's `Vary`, the router a Content-Length), the same 304, the
// same 404 for what the caller may not see.
import { expect, test } from '@playwright/test';
import { importApp } from './bundles';
import { createUser, signIn, tokenFor, unique } from './helpers';

const SAME = ['content-type', 'cache-control', 'etag', 'content-security-policy', 'cross-origin-resource-policy', 'x-content-type-options', 'x-frame-options', 'referrer-policy'];

test('a browser and an API client get the same icon, headers and 304; another user a 404 either way', async ({ page, request, browser: chromium, baseURL }) => {
  const owner = await createUser(request, { prefix: 'assets-owner' });
  const auth = { Authorization: `Bearer ${await tokenFor(request, owner.email, owner.password)}` };
  const app = await importApp(request, auth, { name: unique('ai.e2e.assets') }, 'PRIVATE');
  const url = `/assets/${app.id}/icon`;

  await signIn(page, owner.email, owner.password);
  const browser = await page.request.get(url);
  const client = await request.get(url, { headers: auth });
  expect(browser.status()).toBe(200);
  expect(client.status()).toBe(200);
  expect(await browser.body()).toEqual(await client.body());
  for (const name of SAME) expect(browser.headers()[name], name).toBe(client.headers()[name]);
  expect(browser.headers()['cache-control']).toBe('private, max-age=600');

  const etag = browser.headers()['etag'];
  const again = await page.request.get(url, { headers: { 'If-None-Match': etag } });
  expect(again.status()).toBe(304);
  expect((await request.get(url, { headers: { ...auth, 'If-None-Match': etag } })).status()).toBe(304);
  const head = await page.request.head(url);
  expect(head.status()).toBe(200);
  expect(head.headers()['etag']).toBe(etag);

  // Another user: not found, whichever way they ask (and the ETag opens nothing).
  const other = await createUser(request, { prefix: 'assets-other' });
  const otherAuth = { Authorization: `Bearer ${await tokenFor(request, other.email, other.password)}` };
  const otherContext = await chromium.newContext({ baseURL });
  const otherPage = await otherContext.newPage();
  await signIn(otherPage, other.email, other.password);
  for (const res of [await otherPage.request.get(url), await otherPage.request.get(url, { headers: { 'If-None-Match': etag } }), await request.get(url, { headers: otherAuth })]) {
    expect(res.status()).toBe(404);
    expect(res.headers()['cache-control']).toBe('private, no-store');
  }
  await otherContext.close();
});
