// The session is refused for cross-site writes to the API (CSRF), whatever the method; same-origin writes
// and Bearer tokens pass. The session is a real session cookie, made with the codec Auth.js issues them with.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { insertUser, useTempDataDir } from '@/lib/testing/db';
import { authSecret } from './secret';
import { encodeSessionToken } from './session-token';
import { issueToken } from './tokens';

/** The request's Cookie header as Next's headers() answers it. */
let cookieHeader = '';
vi.mock('next/headers', () => ({ headers: async () => new Headers({ cookie: cookieHeader }) }));
/** A session cookie of `userId` at session version `sv`, as Auth.js issues it at sign-in. */
const sessionCookie = async (userId: string, sv: number) =>
  `authjs.session-token=${await encodeSessionToken({ token: { sub: userId, sv }, secret: authSecret(), salt: 'authjs.session-token', maxAge: 3600 })}`;
const signInAs = async (userId: string, sv = 0) => {
  cookieHeader = await sessionCookie(userId, sv);
};
const { getApiViewer } = await import('./viewer');
const { apiHandler } = await import('@/lib/api/route');
/** An API route any signed-in caller may use: the guard every write route goes through. */
const guarded = apiHandler({ access: 'viewer' }, async () => new Response('done'));

useTempDataDir();

const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE'];
const request = (method: string, headers: Record<string, string>) =>
  new Request('http://portal.test/api/v1/apps/x', { method, headers: { host: 'portal.test', ...headers } });

describe('getApiViewer with a session cookie', () => {
  let userId = '';
  beforeAll(async () => {
    userId = insertUser().id;
    await signInAs(userId);
  });

  const crossSite: [string, Record<string, string>][] = [
    ['a cross-site Origin', { origin: 'https://evil.example' }],
    ['Origin: null', { origin: 'null' }],
    ['no Origin and Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['an Origin on another port', { origin: 'http://portal.test:8080' }],
  ];
  for (const method of WRITES) {
    for (const [what, headers] of crossSite) {
      it(`refuses ${method} with ${what}`, async () => {
        expect(await getApiViewer(request(method, headers))).toBeNull();
        expect((await guarded(request(method, headers))).status).toBe(401);
      });
    }
    it(`accepts ${method} from the same origin, or without Origin from a same-origin fetch`, async () => {
      expect(await getApiViewer(request(method, { origin: 'http://portal.test' }))).toMatchObject({ id: userId });
      expect(await getApiViewer(request(method, { 'sec-fetch-site': 'same-origin' }))).toMatchObject({ id: userId });
    });
  }

  it('lets reads through whatever the origin (they change nothing)', async () => {
    expect(await getApiViewer(request('GET', { origin: 'https://evil.example' }))).toMatchObject({ id: userId });
  });
});

describe('getApiViewer with a Bearer token', () => {
  it('accepts writes from any origin: a token is not sent by browsers on their own', async () => {
    const tokenUser = insertUser();
    const { token } = issueToken(tokenUser.id, 'test');
    for (const method of WRITES) {
      const viewer = await getApiViewer(request(method, { origin: 'https://elsewhere.example', authorization: `Bearer ${token}` }));
      expect(viewer).toMatchObject({ id: tokenUser.id });
    }
  });
});

describe('getViewer and session revocation', () => {
  it('the same cookie stops working once the user signed out everywhere', async () => {
    const { signOutEverywhere } = await import('./revocation');
    const { getViewer } = await import('./viewer');
    const user = insertUser();
    await signInAs(user.id, 0);
    const viewer = await getViewer();
    expect(viewer).toMatchObject({ id: user.id });
    signOutEverywhere(viewer!);
    expect(await getViewer()).toBeNull();
    expect(await getApiViewer(request('GET', {}))).toBeNull();
    await signInAs(user.id, 1); // a session issued after it
    expect(await getViewer()).toMatchObject({ id: user.id });
  });
});

describe('a session cookie sent twice (one planted for a parent domain by an app host)', () => {
  it('is treated as signed out, for pages and for the API', async () => {
    const { getViewer } = await import('./viewer');
    const user = insertUser();
    await signInAs(user.id);
    const own = cookieHeader;
    try {
      expect(await getViewer()).toMatchObject({ id: user.id });
      // Planted: a valid cookie of another user would be read first by a reader that keeps the first one.
      cookieHeader = `${await sessionCookie(insertUser().id, 0)}; theme=dark; ${own}`;
      expect(await getViewer()).toBeNull();
      expect(await getApiViewer(request('GET', {}))).toBeNull();
      // A Bearer token is not a cookie: it still works.
      const { token } = issueToken(user.id, 'test');
      expect(await getApiViewer(request('GET', { authorization: `Bearer ${token}` }))).toMatchObject({ id: user.id });
    } finally {
      cookieHeader = own;
    }
  });
});
