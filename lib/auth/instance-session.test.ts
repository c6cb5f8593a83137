import { describe, expect, it } from 'vitest';
import {
  cookieValue,
  hostSessionCookie,
  issueHandoff,
  redeemHandoff,
  safeReturnPath,
  signHostSession,
  verifyHostSession,
} from './instance-session';

const key = 'k'.repeat(43);
const claim = { userId: 'user-1', version: 3 };

describe('handoff codes', () => {
  it('are spent on first use and bound to one instance', () => {
    const code = issueHandoff(claim, 'inst-1');
    expect(redeemHandoff(code, 'inst-1')).toEqual(claim);
    expect(redeemHandoff(code, 'inst-1')).toBeNull();
    const other = issueHandoff(claim, 'inst-1');
    expect(redeemHandoff(other, 'inst-2')).toBeNull();
    expect(redeemHandoff(other, 'inst-1')).toBeNull();
  });
  it('expire after a minute', () => {
    const code = issueHandoff(claim, 'inst-1', 1_000);
    expect(redeemHandoff(code, 'inst-1', 61_000)).toBeNull();
  });
});

describe('host sessions', () => {
  it('verify only for the instance, key and time they were made for', () => {
    const value = signHostSession(key, claim, 'inst-1', 0);
    expect(verifyHostSession(key, value, 'inst-1', 1000)).toEqual(claim);
    expect(verifyHostSession(key, value, 'inst-2', 1000)).toBeNull();
    expect(verifyHostSession('other-key', value, 'inst-1', 1000)).toBeNull();
    expect(verifyHostSession(key, value, 'inst-1', 13 * 3600_000)).toBeNull();
    expect(verifyHostSession(key, value.replace('user-1', 'user-2'), 'inst-1', 1000)).toBeNull();
    expect(verifyHostSession(key, undefined, 'inst-1')).toBeNull();
    expect(verifyHostSession(key, 'a.b.c', 'inst-1')).toBeNull();
  });
  it('carry the session version they were made with, which cannot be altered', () => {
    const value = signHostSession(key, claim, 'inst-1', 0);
    expect(value.split('.')[2]).toBe('3');
    const parts = value.split('.');
    parts[2] = '4';
    expect(verifyHostSession(key, parts.join('.'), 'inst-1', 1000)).toBeNull();
    // The old four-part form (no version) is no longer accepted.
    const [userId, instanceId, , expires, signature] = value.split('.');
    expect(verifyHostSession(key, [userId, instanceId, expires, signature].join('.'), 'inst-1', 1000)).toBeNull();
  });
  it('are host-only HttpOnly cookies', () => {
    const cookie = hostSessionCookie('v', true);
    expect(cookie).toMatch(/^__appstore_host=v; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/);
    expect(cookie).not.toMatch(/Domain/i);
    expect(cookieValue('a=1; __appstore_host=xyz; b=2', '__appstore_host')).toBe('xyz');
  });
  it('return paths cannot leave the host', () => {
    for (const bad of ['//evil.example/', 'https://evil.example', '/\\evil.example', 'evil', '', null, '/a\nb']) {
      expect(safeReturnPath(bad as string)).toBe('/');
    }
    expect(safeReturnPath('/app?x=1#y')).toBe('/app?x=1#y');
  });
});
