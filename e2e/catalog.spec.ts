// The catalog and app details pages as people use them, against a production build.
import { expect, test, type APIRequestContext } from '@playwright/test';
import { importApp, importBundle, makeBundle } from './bundles';
import { asAdmin, createUser, RESTRICTED, signIn, unique } from './helpers';

/** A lower-case word no other test uses, to search for. */
const word = () => unique('w').replaceAll('-', '');

async function createCategory(request: APIRequestContext, name: string, title: string) {
  const res = await request.post('/api/v1/tags', { headers: await asAdmin(request), data: { name, title, isCategory: true } });
  expect(res.status(), await res.text()).toBe(201);
}

test('a published app appears in the catalog and a PRIVATE one does not', async ({ page, request }) => {
  const admin = await asAdmin(request);
  const w = word();
  const published = await importApp(request, admin, { name: unique('ai.e2e.published'), title: `Published ${w}`, description: w }, 'ALL_USERS');
  const hidden = await importApp(request, admin, { name: unique('ai.e2e.hidden'), title: `Hidden ${w}`, description: w }, 'PRIVATE');
  const user = await createUser(request);
  await signIn(page, user.email, user.password);

  await page.goto('/');
  await expect(page.getByTestId('catalog-total')).toBeVisible();
  // A search navigates in place (next/form): the page's part comes as a React payload, not a new document.
  const documents: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'document') documents.push(r.url());
  });
  const payload = page.waitForRequest((r) => new URL(r.url()).searchParams.get('q') === w && r.headers()['rsc'] === '1');
  await page.getByRole('searchbox', { name: 'Search apps' }).fill(w);
  await page.keyboard.press('Enter');
  await payload;
  await expect(page).toHaveURL(new RegExp(`[?&]q=${w}`));
  const cards = page.getByTestId('app-card');
  await expect(cards).toHaveCount(1);
  await expect(cards.first()).toHaveAttribute('data-app-name', published.name);
  await expect(page.getByTestId('catalog-total')).toHaveText('1 app');
  await expect(page.locator(`[data-app-name="${hidden.name}"]`)).toHaveCount(0);
  expect(documents).toEqual([]);

  // The page sends a card's markup once: its React payload carries the card's data, not a second copy of its element tree.
  const html = await (await page.request.get(`/?q=${w}`)).text();
  expect(html.split('data-testid="app-card"').length - 1).toBe(1);
  expect(html.split('card-head').length - 1).toBe(1);

  // The card opens the details page; Back returns to the same search.
  await cards.first().getByRole('link', { name: `Published ${w}` }).click();
  await expect(page).toHaveURL(`/apps/${published.name}`);
  await page.goBack();
  await expect(page.getByRole('searchbox', { name: 'Search apps' })).toHaveValue(w);
});

test('search finds an app by a word of its long description, and its page shows the Markdown and screenshots', async ({ page, request }) => {
  const admin = await asAdmin(request);
  const w = word();
  const app = await importApp(
    request,
    admin,
    {
      name: unique('ai.e2e.markdown'),
      title: 'Markdown app',
      screenshots: 2,
      longDescription: `### Features\n\n* **Bold** claims about ${w}\n* [Docs](https://docs.example.com)\n\n<script>window.__pwned = true</script>\n\n[bad](javascript:window.__pwned=true)\n`,
    },
    'ALL_USERS',
  );
  const user = await createUser(request);
  await signIn(page, user.email, user.password);
  await page.goto(`/?q=${w}`);
  await expect(page.getByTestId('app-card')).toHaveCount(1);
  await page.getByRole('link', { name: 'Markdown app' }).click();
  await expect(page).toHaveURL(`/apps/${app.name}`);

  const about = page.getByTestId('long-description');
  await expect(about.getByRole('heading', { level: 3, name: 'Features' })).toBeVisible();
  await expect(about.locator('strong')).toHaveText('Bold');
  await expect(about.getByRole('link', { name: 'Docs' })).toHaveAttribute('rel', 'nofollow noopener noreferrer');
  await expect(about.getByText('bad', { exact: true })).toBeVisible(); // exact: the random word may contain "bad"
  await expect(about.locator('a', { hasText: 'bad' })).toHaveCount(0);
  expect(await page.evaluate(() => (window as { __pwned?: boolean }).__pwned)).toBeUndefined();

  const shots = page.getByRole('list', { name: 'Screenshots' }).getByRole('img');
  await expect(shots).toHaveCount(2);
  for (const shot of await shots.all()) {
    await expect.poll(() => shot.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  }

  // Larger view from the keyboard: open, move, close with Escape; focus goes back to the thumbnail.
  const first = page.getByRole('button', { name: /screenshot 1 of 2/ });
  await first.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toHaveAccessibleName('Screenshot 1 of 2');
  await page.keyboard.press('ArrowRight');
  await expect(dialog).toHaveAccessibleName('Screenshot 2 of 2');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  // The versions list marks the shown version.
  await expect(page.getByTestId('versions').getByRole('link', { name: '0.0.1' })).toHaveAttribute('aria-current', 'page');
});

test('the category filter narrows the list and shows the right count', async ({ page, request }) => {
  const admin = await asAdmin(request);
  const w = word();
  const category = unique('cat');
  await createCategory(request, category, `Category ${w}`);
  const inCategory = [];
  for (const n of [1, 2]) {
    inCategory.push(await importApp(request, admin, { name: unique(`ai.e2e.cat${n}`), description: w, tags: [category] }, 'ALL_USERS'));
  }
  await importApp(request, admin, { name: unique('ai.e2e.nocat'), description: w }, 'ALL_USERS');
  await importApp(request, admin, { name: unique('ai.e2e.privcat'), description: w, tags: [category] }, 'PRIVATE');

  const user = await createUser(request);
  await signIn(page, user.email, user.password);
  await page.goto(`/?q=${w}`);
  await expect(page.getByTestId('app-card')).toHaveCount(3);
  // The catalog's links are plain anchors followed in place (components/catalog/in-place-links.ts): a filter,
  // a sort order and a card each bring a React payload, never a new document.
  const documents: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'document') documents.push(r.url());
  });
  const filter = page.getByRole('navigation', { name: 'Categories' }).getByRole('link', { name: `Category ${w}` });
  await expect(filter.locator('.facet-count')).toHaveText(/2$/);
  await filter.click();
  await expect(page).toHaveURL(new RegExp(`category=${category}`));
  await expect(page.getByTestId('app-card')).toHaveCount(2);
  await expect(page.getByTestId('catalog-total')).toHaveText('2 apps');
  const names = await page.getByTestId('app-card').evaluateAll((els) => els.map((e) => e.getAttribute('data-app-name')).sort());
  expect(names).toEqual(inCategory.map((a) => a.name).sort());
  await expect(page.getByRole('navigation', { name: 'Categories' }).getByRole('link', { name: `Category ${w}` })).toHaveAttribute('aria-current', 'true');
  const sort = page.getByRole('navigation', { name: 'Sort' }).getByRole('link', { name: 'Title A–Z' });
  await sort.click();
  await expect(page).toHaveURL(/sort=title/);
  await expect(sort).toHaveAttribute('aria-current', 'true');
  await expect(page.getByTestId('app-card')).toHaveCount(2);
  // A Ctrl-click is the browser's: the card opens in a new tab, and this page stays.
  const card = page.getByTestId('app-card').first().getByRole('link').first();
  const [tab] = await Promise.all([page.context().waitForEvent('page'), card.click({ modifiers: ['Control'] })]);
  await tab.waitForLoadState();
  expect(new URL(tab.url()).pathname).toMatch(/^\/apps\//);
  await tab.close();
  await expect(page).toHaveURL(/sort=title/);
  await card.click();
  await expect(page).toHaveURL(/\/apps\//);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  expect(documents).toEqual([]);
});

test("a LINK app's Visit goes to its address, normalised", async ({ page, request }) => {
  const admin = await asAdmin(request);
  // Internal addresses are refused (ALLOW_PRIVATE_LINK_ADDRESSES is off): the browser's trip to this
  // public one is answered by the test instead of the network.
  const app = await importApp(request, admin, { name: unique('ai.e2e.link'), title: 'Link app', link: 'HTTPS://Visit.Example/landing/../app?from=portal' }, 'ALL_USERS');
  expect(app.linkAddress).toBe('https://visit.example/app?from=portal');
  await page.route('https://visit.example/**', (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'landed' }));
  const user = await createUser(request);
  await signIn(page, user.email, user.password);
  await page.goto(`/apps/${app.name}`);
  await page.getByRole('link', { name: /Visit/ }).click();
  await expect(page).toHaveURL('https://visit.example/app?from=portal');
  await expect(page.getByText('landed')).toBeVisible();
  // No Download for someone who is not the owner.
  await page.goto(`/apps/${app.name}`);
  await expect(page.getByRole('link', { name: 'Download' })).toHaveCount(0);
});

test('a LINK app aimed at an internal or disguised address is refused at Link.Address', async ({ request }) => {
  const admin = await asAdmin(request);
  for (const link of ['http://169.254.169.254/latest/meta-data/', 'https://evil.example\\@trusted.example/', 'https://h2o.ai/\u200B']) {
    const res = await importBundle(request, admin, await makeBundle({ name: unique('ai.e2e.badlink'), link }));
    expect(res.status(), link).toBe(400);
    expect((await res.json()).errors.map((e: { path: string }) => e.path), link).toEqual(['Link.Address']);
  }
});

test("a private app's page, icon and visit route answer 404 to another user", async ({ page, request }) => {
  const admin = await asAdmin(request);
  const app = await importApp(request, admin, { name: unique('ai.e2e.private'), title: 'Private app', link: 'https://example.com/' }, 'PRIVATE');
  // The owner (admin, by token) gets the icon, served safely.
  const own = await request.get(`/assets/${app.id}/icon`, { headers: admin });
  expect(own.status()).toBe(200);
  expect(own.headers()['content-type']).toBe('image/png');
  expect(own.headers()['x-content-type-options']).toBe('nosniff');
  expect(own.headers()['content-security-policy']).toContain("default-src 'none'");
  // Kept by the owner's browser alone, for ten minutes; asked again with its ETag, it answers 304 without the bytes.
  expect(own.headers()['cache-control']).toBe('private, max-age=600');
  const etag = own.headers()['etag'];
  expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
  const again = await request.get(`/assets/${app.id}/icon`, { headers: { ...admin, 'if-none-match': `W/"other", ${etag}` } });
  expect(again.status()).toBe(304);
  expect(again.headers()['cache-control']).toBe('private, max-age=600');
  expect((await again.body()).length).toBe(0);
  expect((await request.get(`/assets/${app.id}/icon`, { headers: { ...admin, 'if-none-match': '"other"' } })).status()).toBe(200);

  const user = await createUser(request);
  await signIn(page, user.email, user.password);
  for (const path of [`/apps/${app.name}`, `/apps/${app.name}/${app.version}`]) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(404);
  }
  expect((await page.request.get(`/assets/${app.id}/icon`)).status()).toBe(404);
  // Knowing the ETag opens nothing: who may see it is checked first.
  expect((await page.request.get(`/assets/${app.id}/icon`, { headers: { 'if-none-match': etag } })).status()).toBe(404);
  expect((await page.request.get(`/apps/${app.name}/${app.version}/visit`, { maxRedirects: 0 })).status()).toBe(404);
  // The same answers as for something that never existed: the portal's own 404 page.
  expect((await page.goto(`/apps/${unique('ai.e2e.nothing')}`))?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
  await expect(page.getByTestId('signed-in-as')).toBeVisible(); // inside the portal's layout
  await page.getByRole('link', { name: 'Back to the catalog' }).click();
  await expect(page).toHaveURL(/\/$/);
  expect((await page.request.get(`/assets/${app.id}x/icon`)).status()).toBe(404);
});

test.describe('public mode', () => {
  test.use({ baseURL: RESTRICTED.url });

  test('anonymous visitors see PUBLIC apps only, with publicly cacheable icons, and are asked to sign in for more', async ({ page, request }) => {
    const admin = await asAdmin(request);
    const w = word();
    const pub = await importApp(request, admin, { name: unique('ai.e2e.pub'), title: `Public ${w}`, description: w }, 'PUBLIC');
    const shared = await importApp(request, admin, { name: unique('ai.e2e.shared'), title: `Shared ${w}`, description: w }, 'ALL_USERS');

    await page.goto(`/?q=${w}`);
    await expect(page.getByText('You are browsing the public apps.')).toBeVisible();
    await expect(page.getByTestId('app-card')).toHaveCount(1);
    await expect(page.getByTestId('app-card').first()).toHaveAttribute('data-app-name', pub.name);
    await expect(page.getByRole('navigation', { name: 'Categories' })).toHaveCount(0);

    const icon = await page.request.get(`/assets/${pub.id}/icon`);
    expect(icon.status()).toBe(200);
    expect(icon.headers()['cache-control']).toMatch(/^public, max-age=\d+/);
    expect((await page.request.get(`/assets/${shared.id}/icon`)).status()).toBe(404);

    await page.goto(`/apps/${pub.name}`);
    await expect(page.getByRole('heading', { level: 1, name: `Public ${w}` })).toBeVisible();
    await page.goto(`/apps/${shared.name}`);
    await expect(page).toHaveURL(/\/login\?next=/);
  });
});
