import { describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { capPageWriteBody, contentSecurityPolicy, hasMalformedPath, isCrossOriginPageWrite, servedOverHttps } from './front';

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

describe('capPageWriteBody', () => {
  it('answers 413 for a page write declaring more than the limit, and turns the 500 of a body past it into 413', async () => {
    // Stands in for Next: reads the body and fails with a 500 past 1 KiB, as Next does past its limit.
    const server = http.createServer((req, res) => {
      if (capPageWriteBody(req, res, 1024)) return;
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > 1024 && !res.headersSent) {
          res.statusCode = 500;
          res.end('Body exceeded');
        }
      });
      req.on('end', () => {
        if (!res.headersSent) res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const big = 'x'.repeat(4096);
      expect((await fetch(`${url}/my-apps`, { method: 'POST', body: big })).status).toBe(413);
      const chunked = new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode(big));
          c.close();
        },
      });
      const res = await fetch(`${url}/my-apps`, { method: 'POST', body: chunked, duplex: 'half' } as RequestInit);
      expect(res.status).toBe(413);
      expect((await fetch(`${url}/my-apps`, { method: 'POST', body: 'small' })).status).toBe(200);
      // The API reads its own bodies with its own caps.
      expect((await fetch(`${url}/api/v1/tags`, { method: 'POST', body: big })).status).toBe(500);
    } finally {
      server.close();
    }
  });
});
