import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { encode } from 'next-auth/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { users } from '@/db/schema';
import { insertAppRow, insertUser, useTempDataDir } from '@/lib/testing/db';
// @ts-expect-error plain JavaScript module (server.mjs loads it without a build step)
import { createPageCache, isCacheableRequest } from './page-cache.mjs';

const temp = useTempDataDir();
const SECRET = 'page-cache-test-secret-0123456789';
const COOKIE = 'authjs.session-token';

let server: http.Server;
let base = '';
let renders = 0;
let nextStatus = 200;
let setCookie = false;

beforeAll(async () => {
  process.env.AUTH_SECRET = SECRET;
  const cache = createPageCache({ dataDir: temp.dir() });
  server = http.createServer(async (req, res) => {
    if (await cache.handle(req, res)) return;
    // Stands in for Next: renders a page that shows how many renders happened so far.
    renders++;
    res.statusCode = nextStatus;
    res.setHeader('content-type', 'text/html; charset=utf-8');
    if (setCookie) res.setHeader('set-cookie', 'a=b');
    res.write(`<p>render ${renders} of ${req.url}</p>`);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
  delete process.env.AUTH_SECRET;
});

const sessionFor = async (sub: string, maxAge = 3600) =>
  `${COOKIE}=${await encode({ token: { sub }, secret: SECRET, salt: COOKIE, maxAge })}`;

async function get(path: string, cookie?: string, headers: Record<string, string> = {}) {
  const res = await fetch(base + path, { headers: { ...(cookie ? { cookie } : {}), ...headers } });
  return { cache: res.headers.get('x-page-cache'), body: await res.text(), status: res.status };
}

describe('isCacheableRequest', () => {
  const req = (url: string, method = 'GET', headers: Record<string, string> = {}) => ({ url, method, headers });
  it('takes document GETs of the catalog and app pages only', () => {
    expect(isCacheableRequest(req('/'))).toBe(true);
    expect(isCacheableRequest(req('/?q=x&page=2'))).toBe(true);
    expect(isCacheableRequest(req('/apps/ai.x'))).toBe(true);
    expect(isCacheableRequest(req('/apps/ai.x/1.0.0'))).toBe(true);
    expect(isCacheableRequest(req('/apps/ai.x/1.0.0/visit'))).toBe(false);
    expect(isCacheableRequest(req('/my-apps'))).toBe(false);
    expect(isCacheableRequest(req('/', 'POST'))).toBe(false);
    expect(isCacheableRequest(req('/', 'GET', { rsc: '1' }))).toBe(false);
    expect(isCacheableRequest(req('/?_rsc=abc'))).toBe(false);
    expect(isCacheableRequest(req('/', 'GET', { 'next-action': 'x' }))).toBe(false);
  });
});

describe('the page cache', () => {
  it('serves a signed-in viewer their page again until the catalog changes', async () => {
    const user = insertUser();
    const cookie = await sessionFor(user.id);
    const first = await get('/?q=one', cookie);
    expect(first.cache).toBe('miss');
    const second = await get('/?q=one', cookie);
    expect(second).toMatchObject({ cache: 'hit', body: first.body });
    insertAppRow({ ownerId: user.id }); // a write to apps bumps the catalog generation
    const third = await get('/?q=one', cookie);
    expect(third.cache).toBe('miss');
    expect(third.body).not.toBe(first.body);
  });

  it('records when a viewer served from the cache was last seen', async () => {
    const user = insertUser();
    const cookie = await sessionFor(user.id);
    await get('/apps/seen', cookie);
    getDb().update(users).set({ lastSeenAt: new Date(Date.now() - 5 * 60_000) }).where(eq(users.id, user.id)).run();
    expect((await get('/apps/seen', cookie)).cache).toBe('hit');
    const seen = getDb().select().from(users).where(eq(users.id, user.id)).get()!.lastSeenAt!;
    expect(Date.now() - seen.getTime()).toBeLessThan(10_000);
  });

  it('keeps viewers apart, and follows a change of roles or name', async () => {
    const [a, b] = [insertUser(), insertUser()];
    const [ca, cb] = [await sessionFor(a.id), await sessionFor(b.id)];
    const pageA = await get('/apps/x', ca);
    expect((await get('/apps/x', ca)).cache).toBe('hit');
    const pageB = await get('/apps/x', cb);
    expect(pageB.cache).toBe('miss');
    expect(pageB.body).not.toBe(pageA.body);
    getDb().update(users).set({ roles: ['finance'] }).where(eq(users.id, a.id)).run();
    expect((await get('/apps/x', ca)).cache).toBe('miss');
    getDb().update(users).set({ name: 'Renamed' }).where(eq(users.id, b.id)).run();
    expect((await get('/apps/x', cb)).cache).toBe('miss');
  });

  it('never answers from the cache for a disabled user, an expired or forged session', async () => {
    const user = insertUser();
    const cookie = await sessionFor(user.id);
    await get('/apps/y', cookie);
    expect((await get('/apps/y', cookie)).cache).toBe('hit');
    getDb().update(users).set({ disabled: true }).where(eq(users.id, user.id)).run();
    expect((await get('/apps/y', cookie)).cache).toBeNull();
    const expired = await sessionFor(insertUser().id, -10);
    expect((await get('/apps/y', expired)).cache).toBeNull();
    expect((await get('/apps/y', `${COOKIE}=not-a-token`)).cache).toBeNull();
  });

  it('keeps only complete 200 HTML pages that set no cookie', async () => {
    const cookie = await sessionFor(insertUser().id);
    nextStatus = 404;
    await get('/apps/missing', cookie);
    expect((await get('/apps/missing', cookie)).cache).toBe('miss');
    nextStatus = 200;
    setCookie = true;
    await get('/apps/cookie', cookie);
    expect((await get('/apps/cookie', cookie)).cache).toBe('miss');
    setCookie = false;
  });

  it('keys anonymous pages and encodings apart', async () => {
    await get('/?anon=1');
    expect((await get('/?anon=1')).cache).toBe('hit');
    expect((await get('/?anon=1', undefined, { 'accept-encoding': 'gzip' })).cache).toBe('miss');
  });
});
