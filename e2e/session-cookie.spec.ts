// Pages are rendered for the viewer Auth.js reads from the request, and no copy of them is kept: a session
// sent under a cookie name Auth.js also accepts (a chunk, `authjs.session-token.1`) is that user's alone,
// and the anonymous visitor who asks next gets the anonymous page (the hole a page cache once opened).
import { expect, request as playwrightRequest, test } from '@playwright/test';
import { importApp } from './bundles';
import { asAdmin, E2E_ADMIN, RESTRICTED, signIn, unique } from './helpers';

test.use({ baseURL: RESTRICTED.url });

test('a session under authjs.session-token.1 is never served to another viewer', async ({ page, request }) => {
  const admin = await asAdmin(request);
  const w = `cookie${Date.now().toString(36)}`;
  const secret = await importApp(request, admin, { name: unique('ai.e2e.chunk'), title: `Private ${w}`, description: w }, 'PRIVATE');
  await importApp(request, admin, { name: unique('ai.e2e.chunkall'), title: `Shared ${w}`, description: w }, 'ALL_USERS');
  await importApp(request, admin, { name: unique('ai.e2e.chunkpub'), title: `Public ${w}`, description: w }, 'PUBLIC');

  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  const session = (await page.context().cookies()).find((c) => c.name === 'authjs.session-token');
  expect(session, 'signed in with a session cookie').toBeTruthy();

  const chunked = await playwrightRequest.newContext({
    baseURL: RESTRICTED.url,
    extraHTTPHeaders: { cookie: `authjs.session-token.1=${session!.value}` },
  });
  const anonymous = await playwrightRequest.newContext({ baseURL: RESTRICTED.url });
  try {
    // Anonymous visitors in public mode see PUBLIC apps only: not the ALL_USERS one, not the PRIVATE one.
    for (const [url, hidden] of [
      [`/?q=${w}`, `Shared ${w}`],
      [`/apps/${secret.name}`, `Private ${w}`],
    ]) {
      // Auth.js reads the chunk as the session: the page is the admin's …
      const signedIn = await chunked.get(url, { maxRedirects: 0 });
      expect(signedIn.status()).toBe(200);
      expect((await signedIn.text()).includes(hidden), `${url} rendered for the admin`).toBe(true);
      // … marked so that no shared cache may keep it …
      expect(signedIn.headers()['cache-control']).toMatch(/private|no-store/);
      // … and the anonymous visitor asking next, twice, never gets it.
      for (let i = 0; i < 2; i++) {
        const res = await anonymous.get(url, { maxRedirects: 0 });
        expect((await res.text()).includes(hidden), `${url} served to an anonymous visitor`).toBe(false);
      }
    }
    const catalog = await anonymous.get(`/?q=${w}`);
    expect((await catalog.text()).includes(`Public ${w}`)).toBe(true);
    expect((await anonymous.get(`/apps/${secret.name}`, { maxRedirects: 0 })).status()).not.toBe(200);
  } finally {
    await chunked.dispose();
    await anonymous.dispose();
  }
});
