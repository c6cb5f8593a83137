import { describe, expect, it } from 'vitest';
import { apiAppUrl, appUrl, assetUrl, bundleDownloadUrl, loginUrl, visitUrl } from './urls';

describe('URL builders', () => {
  it('encode every path segment', () => {
    expect(appUrl('ai.h2o.demo')).toBe('/apps/ai.h2o.demo');
    expect(appUrl('a b', '1.0.0+build/1')).toBe('/apps/a%20b/1.0.0%2Bbuild%2F1');
    expect(assetUrl('id', { kind: 'icon' })).toBe('/assets/id/icon');
    expect(assetUrl('id', { kind: 'screenshot', position: 0 })).toBe('/assets/id/screenshot-1');
    expect(apiAppUrl('x/y')).toBe('/api/v1/apps/x%2Fy');
    expect(bundleDownloadUrl('x')).toBe('/api/v1/apps/x/bundle');
    expect(visitUrl('n', '1.0.0')).toBe('/apps/n/1.0.0/visit');
  });

  it('send to sign-in with the way back encoded', () => {
    expect(loginUrl()).toBe('/login');
    expect(loginUrl('/?q=a&b=c')).toBe('/login?next=%2F%3Fq%3Da%26b%3Dc');
  });

  it('send to sign-in saying why the last attempt failed', () => {
    expect(loginUrl(undefined, { error: 'NotAllowed' })).toBe('/login?error=NotAllowed');
    expect(loginUrl('/my-apps?x=1', { error: 'a b&c' })).toBe('/login?error=a%20b%26c&next=%2Fmy-apps%3Fx%3D1');
  });
});
