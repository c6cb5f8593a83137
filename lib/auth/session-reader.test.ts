// The portal reads its session cookie itself (session-reader.ts) instead of through Auth.js's whole session action.
// Here both read the same Cookie headers, honest and hostile, and must agree on every one: Auth.js's answer is its
// session action run with the portal's own configuration (next-auth.ts), as next-auth's `auth()` runs it.
import { Auth } from '@auth/core';
import { encode as authjsEncode } from '@auth/core/jwt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useTempDataDir } from '@/lib/testing/db';
import { setEnv } from '@/lib/testing/env';

// next-auth's Next.js wrapper cannot load outside Next (its ESM imports `next/server`); its NextAuth() is not
// what is checked here, only the configuration given to it, run by Auth.js's core below.
vi.mock('next-auth', async () => ({ default: () => ({}), CredentialsSignin: (await import('@auth/core/errors')).CredentialsSignin }));
const { authConfig } = await import('./next-auth');
import { authSecret } from './secret';
import { claimOfToken } from './session-claim';
import { portalSessionOf, sessionCookieName } from './session-reader';
import { encodeSessionToken } from './session-token';

useTempDataDir();

/** Auth.js's reading: its session action with the portal's configuration, wrapped as next-auth's getSession wraps it. */
async function authjsReads(cookie: string) {
  const config = authConfig();
  const response = await Auth(new Request(`${process.env.PUBLIC_URL || 'http://portal.test'}/api/auth/session`, { headers: { cookie } }), {
    ...config,
    basePath: '/api/auth',
    callbacks: {
      ...config.callbacks,
      async session(...args) {
        const session = await config.callbacks!.session!(...args);
        return { user: args[0].user ?? (args[0] as { token?: unknown }).token, ...session };
      },
    },
  });
  const session = response.ok ? await response.json() : null;
  // The claim of the session Auth.js answers (next-auth.ts's session callback puts it there).
  const claim = claimOfToken({ sub: session?.user?.id ?? undefined, sv: session?.sessionVersion });
  return claim ? { claim, viaProvider: session.viaProvider === true } : null;
}

const token = (claims: Record<string, unknown>, options: { maxAge?: number; secret?: string; salt?: string } = {}) =>
  encodeSessionToken({ token: claims, secret: options.secret ?? authSecret(), salt: options.salt ?? sessionCookieName(), maxAge: options.maxAge ?? 3600 });

async function headers(): Promise<[string, string][]> {
  const name = sessionCookieName();
  const valid = await token({ sub: 'user-1', sv: 2 });
  const half = Math.floor(valid.length / 2);
  const parts = valid.split('.');
  const flipped = [...parts.slice(0, 3), (parts[3][0] === 'A' ? 'B' : 'A') + parts[3].slice(1), parts[4]].join('.');
  return [
    ['no cookie', ''],
    ['other cookies only', 'theme=dark; lang=en'],
    ['a valid session', `${name}=${valid}`],
    ['a valid session among others, with spaces and tabs', `theme=dark;  \t${name}=${valid} \t; lang=en`],
    ['a session Auth.js encrypted itself (A256CBC-HS512, as cookies issued before)', `${name}=${await authjsEncode({ token: { sub: 'user-4', sv: 1 }, secret: authSecret(), salt: name })}`],
    ['a session through the provider', `${name}=${await token({ sub: 'user-2', sv: 0, idp: 'oidc' })}`],
    ['an expired session', `${name}=${await token({ sub: 'user-1', sv: 2 }, { maxAge: -60 })}`],
    ['an altered session', `${name}=${flipped}`],
    ['a session made with another secret', `${name}=${await token({ sub: 'user-1', sv: 2 }, { secret: 'another-secret-0123456789abcdef' })}`],
    ['a session made for another cookie name', `${name}=${await token({ sub: 'user-1', sv: 2 }, { salt: `x${name}` })}`],
    ['a session without a version (from before versions)', `${name}=${await token({ sub: 'user-1' })}`],
    ['a session without a user', `${name}=${await token({ sv: 1 })}`],
    ['a session whose version is no number', `${name}=${await token({ sub: 'user-1', sv: '2' })}`],
    ['an empty session cookie', `${name}=`],
    ['garbage', `${name}=not.a.token.at.all`],
    ['a signed (not encrypted) JWT', `${name}=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEiLCJzdiI6Mn0.c2lnbmF0dXJl`],
    ['a session in two chunks', `${name}.0=${valid.slice(0, half)}; ${name}.1=${valid.slice(half)}`],
    ['chunks sent out of order', `${name}.1=${valid.slice(half)}; ${name}.0=${valid.slice(0, half)}`],
    ['chunks beside a whole cookie', `${name}=${valid}; ${name}.1=${valid.slice(half)}`],
    ['a cookie whose name only starts like the session cookie', `${name}=${valid}; ${name}-x=1`],
    ['a percent-encoded session', `${name}=${encodeURIComponent(valid).replace(/\./g, '%2E')}`],
    ['a malformed percent escape', `${name}=${valid}%zz`],
    ['a quoted session', `${name}="${valid}"`],
    ['the same name twice (the first counts for both)', `${name}=${await token({ sub: 'user-3', sv: 0 })}; ${name}=${valid}`],
    ['the __Host- name', `__Host-authjs.session-token=${valid}`],
    ['the __Secure- name', `__Secure-authjs.session-token=${valid}`],
    ['a header with no pairs', ';;; ; =; =x'],
  ];
}

describe("the portal's session reading agrees with Auth.js's", () => {
  afterEach(() => setEnv({ PUBLIC_URL: undefined }));

  /** Both read every header alike; not an agreement on "no session" throughout: the valid ones are sessions to both. */
  async function expectAgreement() {
    let sessions = 0;
    for (const [what, header] of await headers()) {
      const expected = await authjsReads(header);
      expect(await portalSessionOf(header), what).toEqual(expected);
      if (expected) sessions++;
    }
    expect(sessions).toBeGreaterThanOrEqual(8);
  }

  it('over plain http (the plain cookie name)', async () => {
    await expectAgreement();
  });

  it('over https (the __Host- cookie name, the plain one not read)', async () => {
    setEnv({ PUBLIC_URL: 'https://portal.test' });
    expect(sessionCookieName()).toBe('__Host-authjs.session-token');
    await expectAgreement();
    const plain = `authjs.session-token=${await token({ sub: 'user-1', sv: 2 }, { salt: 'authjs.session-token' })}`;
    expect(await portalSessionOf(plain)).toBeNull();
    expect(await authjsReads(plain)).toBeNull();
  });

  it('reads the claim and the sign-in method', async () => {
    const name = sessionCookieName();
    expect(await portalSessionOf(`${name}=${await token({ sub: 'user-2', sv: 5, idp: 'oidc' })}`)).toEqual({ claim: { userId: 'user-2', version: 5 }, viaProvider: true });
    expect(await portalSessionOf(`${name}=${await token({ sub: 'user-1', sv: 0 })}`)).toEqual({ claim: { userId: 'user-1', version: 0 }, viaProvider: false });
  });
});
