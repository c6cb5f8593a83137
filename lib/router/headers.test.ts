import { describe, expect, it } from 'vitest';
import { authCookies } from '@/lib/auth/session-cookies';
import { allowedSetCookies, isPortalCookieName, withoutPortalCookies } from './headers';

describe('portal cookies never cross the router', () => {
  it('recognises every form of the Auth.js cookie names, chunked and prefixed', () => {
    for (const name of [
      'authjs.session-token',
      'authjs.session-token.0',
      'authjs.session-token.1',
      '__Secure-authjs.session-token',
      '__Host-authjs.csrf-token',
      'authjs.callback-url',
      'next-auth.session-token',
      'AUTHJS.SESSION-TOKEN',
      '__appstore_host',
    ]) {
      expect(isPortalCookieName(name), name).toBe(true);
    }
    for (const name of ['session', 'wave-session', 'authjs', 'my.authjs.token', '_xsrf']) {
      expect(isPortalCookieName(name), name).toBe(false);
    }
  });

  it('recognises the names the portal gives Auth.js over https and http (lib/auth/session-cookies.ts)', () => {
    for (const secure of [true, false]) {
      for (const { name } of Object.values(authCookies(secure))) {
        expect(isPortalCookieName(name), name).toBe(true);
        expect(isPortalCookieName(`${name}.1`), `${name}.1`).toBe(true);
        expect(allowedSetCookies([`${name}=forged; Path=/`]), name).toEqual([]);
      }
    }
  });

  it("keeps the app's own cookies and drops the portal's", () => {
    expect(
      withoutPortalCookies('a=1; authjs.session-token=eyJ; b=2;authjs.session-token.1=xyz; __Secure-authjs.pkce=q'),
    ).toBe('a=1; b=2');
    expect(withoutPortalCookies('authjs.session-token=eyJ')).toBeUndefined();
    expect(withoutPortalCookies(undefined)).toBeUndefined();
  });

  it('an app cannot set or overwrite a portal cookie', () => {
    expect(
      allowedSetCookies([
        'authjs.session-token=forged; Path=/; HttpOnly',
        'theme=dark; Path=/',
        '__Host-authjs.csrf-token=x; Path=/; Secure',
      ]),
    ).toEqual(['theme=dark; Path=/']);
  });
});
