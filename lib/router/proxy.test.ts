// The router's proxy against real servers on loopback: an upstream that echoes what it receives, a websocket echo.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { createInstanceProxy } from './proxy';

let upstream: http.Server;
let router: http.Server;
let upstreamPort: number;
let routerPort: number;
let activity = 0;

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    if (req.url?.startsWith('/base/big')) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 7);
      let left = 64; // 4 MiB, streamed
      const pump = () => {
        while (left > 0) {
          left--;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      return pump();
    }
    let bytes = 0;
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => {
      res.setHeader('set-cookie', ['authjs.session-token=forged; Path=/', 'app=1; Path=/']);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ url: req.url, headers: req.headers, bytes }));
    });
  });
  const wss = new WebSocketServer({ server: upstream });
  wss.on('connection', (socket, req) => {
    socket.send(`hello ${req.url} cookie=${req.headers.cookie ?? ''}`);
    socket.on('message', (data) => socket.send(`echo ${data}`));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamPort = (upstream.address() as AddressInfo).port;

  const proxy = createInstanceProxy();
  const target = () => ({ host: '127.0.0.1', port: upstreamPort });
  router = http.createServer((req, res) => proxy.web(req, res, target(), `/base${req.url}`, () => activity++));
  router.on('upgrade', (req, socket, head) => proxy.ws(req, socket, head, target(), `/base${req.url}`, () => activity++));
  await new Promise<void>((resolve) => router.listen(0, '127.0.0.1', resolve));
  routerPort = (router.address() as AddressInfo).port;
});

afterAll(() => {
  router?.close();
  upstream?.close();
});

describe('instance proxy', () => {
  it('forwards the request with the path it is given, without portal credentials, and filters Set-Cookie', async () => {
    const response = await fetch(`http://127.0.0.1:${routerPort}/x?y=1`, {
      method: 'POST',
      body: 'hello',
      headers: {
        cookie: 'authjs.session-token=secret; app=1; authjs.session-token.1=more',
        authorization: 'Bearer portal-token',
      },
    });
    expect(response.status).toBe(200);
    const echoed = (await response.json()) as { url: string; headers: Record<string, string>; bytes: number };
    expect(echoed.url).toBe('/base/x?y=1');
    expect(echoed.bytes).toBe(5);
    expect(echoed.headers.cookie).toBe('app=1');
    expect(echoed.headers.authorization).toBeUndefined();
    expect(echoed.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(response.headers.getSetCookie()).toEqual(['app=1; Path=/']);
  });

  it('streams large answers through', async () => {
    const response = await fetch(`http://127.0.0.1:${routerPort}/big`);
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.length).toBe(4 * 1024 * 1024);
  });

  it('answers 502 when the app is not listening', async () => {
    const proxy = createInstanceProxy();
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const front = http.createServer((req, res) => proxy.web(req, res, { host: '127.0.0.1', port: deadPort }, '/'));
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    const response = await fetch(`http://127.0.0.1:${(front.address() as AddressInfo).port}/`);
    expect(response.status).toBe(502);
    front.close();
  });

  it('carries websockets both ways and counts frames as activity', async () => {
    const before = activity;
    const socket = new WebSocket(`ws://127.0.0.1:${routerPort}/ws`, {
      headers: { cookie: 'authjs.session-token=secret; wave=2' },
    });
    const messages: string[] = [];
    await new Promise<void>((resolve, reject) => {
      socket.on('error', reject);
      socket.on('message', (data) => {
        messages.push(String(data));
        if (messages.length === 1) socket.send('ping');
        if (messages.length === 2) resolve();
      });
    });
    socket.close();
    expect(messages).toEqual(['hello /base/ws cookie=wave=2', 'echo ping']);
    expect(activity - before).toBeGreaterThanOrEqual(3);
  });
});
