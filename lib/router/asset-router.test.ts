// The asset router (before Next, server.ts) answers browsers' plain icon and screenshot requests through the
// installed answerer and leaves everything else to Next. The answerer here is a test double that records its
// calls (the real one, lib/apps/asset-gateway.ts, is the route's own answer: e2e/assets.spec.ts).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAssetRouter, installAssetAnswerer, type AssetReply } from './asset-router';

const ID = '0b6c7c1e-5a8f-4f55-9d38-4e2a8c1b2d3f';
const calls: { appId: string; asset: string; cookie?: string }[] = [];
let reply: AssetReply | null = { status: 200, headers: { 'Content-Type': 'image/png', 'Cache-Control': 'private, max-age=600', ETag: '"abc"' }, body: Buffer.from('PNG bytes') };
let server: http.Server;
let base: string;

beforeAll(async () => {
  const router = createAssetRouter();
  server = http.createServer(async (req, res) => {
    const handled = router.handle(req, res);
    if (handled !== false && (await handled)) return;
    res.writeHead(299, { 'x-answered-by': 'next' }).end('next');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => {
  calls.length = 0;
  installAssetAnswerer(undefined);
});

function installDouble() {
  installAssetAnswerer(async (req, appId, asset) => {
    calls.push({ appId, asset, cookie: req.headers.cookie });
    return reply;
  });
}

describe('the asset router', () => {
  it("answers a browser's icon and screenshot requests with the answerer's reply and the front's security headers", async () => {
    installDouble();
    const res = await fetch(`${base}/assets/${ID}/icon?v=2`, { headers: { cookie: 'session=1' } });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('PNG bytes');
    expect(res.headers.get('cache-control')).toBe('private, max-age=600');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(calls).toEqual([{ appId: ID, asset: 'icon', cookie: 'session=1' }]);
    expect((await fetch(`${base}/assets/${ID}/screenshot-3`)).status).toBe(200);
    expect(calls[1]).toMatchObject({ asset: 'screenshot-3' });
  });

  it('answers HEAD with the headers and no body', async () => {
    installDouble();
    const res = await fetch(`${base}/assets/${ID}/icon`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"abc"');
    expect(await res.text()).toBe('');
  });

  it('leaves to Next: a Bearer token, a write, anything but a plain asset path, and what the answerer declines', async () => {
    installDouble();
    const toNext = async (path: string, init?: RequestInit) => (await fetch(`${base}${path}`, init)).headers.get('x-answered-by');
    expect(await toNext(`/assets/${ID}/icon`, { headers: { authorization: 'Bearer token' } })).toBe('next');
    expect(await toNext(`/assets/${ID}/icon`, { method: 'POST', body: 'x' })).toBe('next');
    for (const path of [`/assets/${ID}/icon/`, `/assets/${ID}/other`, `/assets/%2e%2e/icon`, `/assets/a/b/icon`, `/assets/${ID}`, `/assetsx/${ID}/icon`, `/x/assets/${ID}/icon`]) {
      expect(await toNext(path), path).toBe('next');
    }
    expect(calls).toEqual([]);
    reply = null;
    expect(await toNext(`/assets/${ID}/icon`)).toBe('next');
    expect(calls).toHaveLength(1);
  });

  it('leaves everything to Next until the start-up installed an answerer', async () => {
    expect((await fetch(`${base}/assets/${ID}/icon`)).headers.get('x-answered-by')).toBe('next');
  });
});
