import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, hasMalformedPath, isCrossOriginPageWrite, servedOverHttps } from './front.mjs';

const req = (method: string, url: string, headers: Record<string, string> = {}) => ({ method, url, headers, socket: {} });

describe('the front of the production server', () => {
  it('spots a path with a %-escape that does not decode', () => {
    expect(hasMalformedPath('/apps/%ZZ')).toBe(true);
    expect(hasMalformedPath('/apps/%E0%A4%A/1.0.0')).toBe(true);
    expect(hasMalformedPath('/apps/ai.h2o%2Fx/1.0.0?q=%ZZ')).toBe(false);
    expect(hasMalformedPath('/?q=%ZZ')).toBe(false);
  });

  it('refuses page writes from another origin, leaving the API and reads alone', () => {
    const host = { host: 'portal.example' };
    expect(isCrossOriginPageWrite(req('POST', '/my-apps', { ...host, origin: 'https://evil.example' }))).toBe(true);
    expect(isCrossOriginPageWrite(req('POST', '/my-apps', { ...host, origin: 'null' }))).toBe(true);
    expect(isCrossOriginPageWrite(req('POST', '/my-apps', { ...host, origin: 'https://portal.example' }))).toBe(false);
    expect(isCrossOriginPageWrite(req('POST', '/my-apps', host))).toBe(false);
    expect(isCrossOriginPageWrite(req('GET', '/my-apps', { ...host, origin: 'https://evil.example' }))).toBe(false);
    expect(isCrossOriginPageWrite(req('POST', '/api/v1/apps', { ...host, origin: 'https://evil.example' }))).toBe(false);
  });

  it('builds a CSP with the nonce, no inline scripts, no framing, no plugins, no foreign base', () => {
    const csp = contentSecurityPolicy('abc123');
    expect(csp).toContain("script-src 'self' 'nonce-abc123'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'self'");
  });

  it('believes X-Forwarded-Proto only with TRUST_PROXY', () => {
    expect(servedOverHttps(req('GET', '/', { 'x-forwarded-proto': 'https' }), false)).toBe(false);
    expect(servedOverHttps(req('GET', '/', { 'x-forwarded-proto': 'https' }), true)).toBe(true);
    expect(servedOverHttps(req('GET', '/', { 'x-forwarded-proto': 'https, http' }), true)).toBe(false);
    expect(servedOverHttps({ ...req('GET', '/'), socket: { encrypted: true } }, false)).toBe(true);
  });
});
