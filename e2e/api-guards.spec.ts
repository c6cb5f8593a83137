// Guards a visitor of the site cannot see but must be able to count on: the browser session does not
// authorize cross-site API writes (CSRF), and visitors never get another user's e-mail address.
import { expect, test, type APIRequestContext } from '@playwright/test';
import { importApp } from './bundles';
import { asAdmin, createUser, RESTRICTED, signIn, tokenFor, unique } from './helpers';

const bearer = async (request: APIRequestContext, user: { email: string; password: string }) => ({
  Authorization: `Bearer ${await tokenFor(request, user.email, user.password)}`,
});

test.describe('session-authenticated API writes', () => {
  const crossSite: [string, Record<string, string>][] = [
    ['a cross-site Origin', { Origin: 'https://evil.example' }],
    ['Origin: null', { Origin: 'null' }],
    ['no Origin and Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site' }],
  ];

  for (const [what, headers] of crossSite) {
    test(`are refused with ${what}, and change nothing`, async ({ page, request }) => {
      const user = await createUser(request);
      const auth = await bearer(request, user);
      const app = await importApp(request, auth, { name: unique('ai.e2e.csrf') });
      const secret = unique('csrf').toLowerCase();
      await signIn(page, user.email, user.password);

      const patch = await page.request.patch(`/api/v1/apps/${app.id}`, { headers, data: { visibility: 'ALL_USERS' } });
      expect(patch.status()).toBe(401);
      const post = await page.request.post('/api/v1/secrets', { headers, data: { name: secret, values: { k: 'v' } } });
      expect(post.status()).toBe(401);
      const del = await page.request.delete(`/api/v1/apps/${app.id}`, { headers });
      expect(del.status()).toBe(401);

      const still = await request.get(`/api/v1/apps/${app.id}`, { headers: auth });
      expect(still.status()).toBe(200);
      expect((await still.json()).visibility).toBe('PRIVATE');
      expect((await request.get(`/api/v1/secrets/${secret}`, { headers: auth })).status()).toBe(404);
    });
  }

  test('pass from the same origin, and with a Bearer token from anywhere', async ({ page, request, baseURL }) => {
    const user = await createUser(request);
    const auth = await bearer(request, user);
    const app = await importApp(request, auth, { name: unique('ai.e2e.sameorigin') });
    await signIn(page, user.email, user.password);
    const same = { Origin: new URL(baseURL!).origin };

    const patch = await page.request.patch(`/api/v1/apps/${app.id}`, { headers: same, data: { visibility: 'ALL_USERS' } });
    expect(patch.status(), await patch.text()).toBe(200);
    const secret = unique('same').toLowerCase();
    expect((await page.request.post('/api/v1/secrets', { headers: same, data: { name: secret, values: { k: 'v' } } })).status()).toBe(201);
    const viaToken = await request.patch(`/api/v1/apps/${app.id}`, {
      headers: { ...auth, Origin: 'https://evil.example' },
      data: { visibility: 'PRIVATE' },
    });
    expect(viaToken.status()).toBe(200);
    expect((await page.request.delete(`/api/v1/apps/${app.id}`, { headers: same })).status()).toBe(204);
  });
});

test.describe("visitors never see another user's e-mail address", () => {
  test.use({ baseURL: RESTRICTED.url });

  /** An owner with full access, a visitor who may see the owner's ALL_USERS app through an authorization tag, and a PUBLIC app. */
  async function setUp(request: APIRequestContext) {
    const admin = await asAdmin(request);
    const role = unique('viewers');
    const tagName = unique('AUTH').toUpperCase().replace(/-/g, '_');
    const tag = await request.post('/api/v1/tags', { headers: admin, data: { name: tagName, title: 'Viewers', visitorRoles: [role] } });
    expect(tag.status(), await tag.text()).toBe(201);
    const owner = await createUser(request, { roles: [RESTRICTED.fullAccessRole], prefix: 'owner' });
    const ownerAuth = await bearer(request, owner);
    const shared = await importApp(request, ownerAuth, { name: unique('ai.e2e.mailshared'), tags: [tagName] }, 'ALL_USERS');
    expect(shared.tags.map((t: { name: string }) => t.name)).toEqual([tagName]);
    const pub = await importApp(request, ownerAuth, { name: unique('ai.e2e.mailpublic') }, 'PUBLIC');
    const visitor = await createUser(request, { roles: [role], prefix: 'visitor' });
    return { owner, shared, pub, visitor };
  }

  let s: Awaited<ReturnType<typeof setUp>>;
  test.beforeAll(async ({ playwright }) => {
    const request = await playwright.request.newContext({ baseURL: RESTRICTED.url });
    s = await setUp(request);
    await request.dispose();
  });

  // One test per page or call (set up once per worker above), so each has its own timeout.
  const pages: [string, () => string][] = [
    ['the catalog', () => '/'],
    ['a search', () => `/?q=${s.shared.name}`],
    ["an app's page", () => `/apps/${s.shared.name}`],
    ["a version's page", () => `/apps/${s.shared.name}/${s.shared.version}`],
    ["a PUBLIC app's page", () => `/apps/${s.pub.name}`],
    ['My Apps', () => '/my-apps'],
    ['API tokens', () => '/account/tokens'],
  ];
  for (const [what, path] of pages) {
    test(`${what}, for a signed-in visitor`, async ({ page }) => {
      await signIn(page, s.visitor.email, s.visitor.password);
      expect((await page.goto(path()))?.status()).toBe(200);
      expect(await page.content()).not.toContain(s.owner.email);
    });
  }

  const apiCalls: [string, () => string][] = [
    ['the apps list', () => '/api/v1/apps'],
    ['the apps list by name', () => `/api/v1/apps?name=${s.shared.name}`],
    ['an ALL_USERS app seen through its authorization tag', () => `/api/v1/apps/${s.shared.id}`],
    ['a PUBLIC app', () => `/api/v1/apps/${s.pub.id}`],
  ];
  for (const [what, path] of apiCalls) {
    test(`${what}, for a signed-in visitor`, async ({ page }) => {
      await signIn(page, s.visitor.email, s.visitor.password);
      const res = await page.request.get(path());
      expect(res.status()).toBe(200);
      const body = await res.text();
      expect(body).toContain(s.owner.name); // the answer is about the owner's app
      expect(body).not.toContain(s.owner.email);
    });
  }

  const anonymous: [string, () => string][] = [
    ['the catalog', () => '/'],
    ["a PUBLIC app's page", () => `/apps/${s.pub.name}`],
    ['the apps list', () => '/api/v1/apps'],
    ['a PUBLIC app', () => `/api/v1/apps/${s.pub.id}`],
  ];
  for (const [what, path] of anonymous) {
    test(`${what}, for an anonymous visitor (public mode)`, async ({ page }) => {
      const res = await page.request.get(path());
      expect(res.status()).toBe(200);
      expect(await res.text()).not.toContain(s.owner.email);
    });
  }

  test("an app's page names the owner to visitors, and full-access users see the address (so the checks above can fail)", async ({ page, request }) => {
    await signIn(page, s.visitor.email, s.visitor.password);
    await page.goto(`/apps/${s.shared.name}`);
    await expect(page.getByText(s.owner.name)).toBeVisible();
    const admin = await asAdmin(request);
    expect(await (await request.get(`/api/v1/apps/${s.shared.id}`, { headers: admin })).text()).toContain(s.owner.email);
  });
});
