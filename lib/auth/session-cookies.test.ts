import { describe, expect, it } from 'vitest';
import { authCookies, cookieValue, hasDuplicateSessionCookie, servedOverHttps } from './session-cookies';

describe("the portal's cookie names", () => {
  it('are __Host- cookies over https: Secure, Path=/ and no Domain, so no other host can set them', () => {
    const cookies = authCookies(true);
    expect(Object.values(cookies).map((c) => c.name)).toEqual(['__Host-authjs.session-token', '__Host-authjs.csrf-token', '__Host-authjs.callback-url']);
    for (const c of Object.values(cookies)) {
      expect(c.options).toMatchObject({ secure: true, path: '/', httpOnly: true });
      expect(c.options).not.toHaveProperty('domain');
    }
  });

  it("keep Auth.js's plain names over http, where browsers refuse prefixed cookies", () => {
    expect(Object.values(authCookies(false)).map((c) => [c.name, c.options.secure])).toEqual([
      ['authjs.session-token', false],
      ['authjs.csrf-token', false],
      ['authjs.callback-url', false],
    ]);
  });

  it("are chosen by the portal's public URL", () => {
    expect(servedOverHttps('https://apps.example.com')).toBe(true);
    expect(servedOverHttps('http://localhost:3000')).toBe(false);
  });
});

describe('a session cookie sent twice', () => {
  it('is no session: a planted duplicate (Domain=<portal host>) beside the real one', () => {
    expect(hasDuplicateSessionCookie('authjs.session-token=mine; theme=dark; authjs.session-token=planted')).toBe(true);
    expect(hasDuplicateSessionCookie('__Host-authjs.session-token=a; __Host-authjs.session-token=b')).toBe(true);
    expect(hasDuplicateSessionCookie('authjs.session-token.0=a; authjs.session-token.1=b; authjs.session-token.0=c')).toBe(true);
  });

  it('one of each name is a normal session, chunks included', () => {
    expect(hasDuplicateSessionCookie('authjs.session-token=mine; theme=dark')).toBe(false);
    expect(hasDuplicateSessionCookie('authjs.session-token.0=a; authjs.session-token.1=b')).toBe(false);
    // Other cookies may repeat (an app's own, or the csrf cookie Auth.js checks itself).
    expect(hasDuplicateSessionCookie('a=1; a=2; authjs.csrf-token=x; authjs.csrf-token=y')).toBe(false);
    expect(hasDuplicateSessionCookie(undefined)).toBe(false);
    expect(hasDuplicateSessionCookie('')).toBe(false);
  });

  it('the first value is read for other cookies', () => {
    expect(cookieValue('a=1; __appstore_host=xyz; __appstore_host=zzz', '__appstore_host')).toBe('xyz');
    expect(cookieValue('a=1', 'b')).toBeUndefined();
  });
});
