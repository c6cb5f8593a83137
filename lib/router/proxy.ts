// Streams HTTP requests and websockets between browsers and an instance's server (http-proxy-3), both ways
// with backpressure and nothing buffered whole. It forwards no portal credentials, lets no app set a portal
// cookie, and reports traffic so idle instances can be suspended. Who may pass is decided before this runs.
import { Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';
import { CREDENTIAL_HEADERS, allowedSetCookies, withoutPortalCookies } from './headers';

export interface Upstream {
  host: string;
  port: number;
}

/** Called on every proxied request and websocket frame (either direction); cheap, may be called often. */
export type ActivityListener = () => void;

const activityOf = new WeakMap<IncomingMessage, ActivityListener>();

function sanitize(req: IncomingMessage, path: string): void {
  for (const name of CREDENTIAL_HEADERS) delete req.headers[name];
  const cookie = withoutPortalCookies(req.headers.cookie);
  if (cookie === undefined) delete req.headers.cookie;
  else req.headers.cookie = cookie;
  req.url = path;
}

export interface InstanceProxy {
  /** Proxies one HTTP request to `upstream`, the app receiving `path` as its request URI. */
  web(req: IncomingMessage, res: ServerResponse, upstream: Upstream, path: string, onActivity?: ActivityListener): void;
  /** Proxies a websocket upgrade; frames both ways count as activity. */
  ws(req: IncomingMessage, socket: Duplex, head: Buffer, upstream: Upstream, path: string, onActivity?: ActivityListener): void;
}

export function createInstanceProxy(options: { proxyTimeoutMs?: number } = {}): InstanceProxy {
  // Connections to apps are kept open and reused: opening one costs far more than a request (the runner's
  // port forwarding sets up each connection into the sandbox).
  const agent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 32, timeout: 60_000 });
  const proxy = createProxyServer({ xfwd: true, agent, proxyTimeout: options.proxyTimeoutMs ?? 10 * 60_000 });

  proxy.on('proxyRes', (proxyRes, _req, res) => {
    // An app that dies in the middle of an answer resets its socket: end the browser's answer too, quietly.
    proxyRes.on('error', () => res.destroy());
    const cookies = allowedSetCookies(proxyRes.headers['set-cookie']);
    if (cookies && cookies.length > 0) proxyRes.headers['set-cookie'] = cookies;
    else delete proxyRes.headers['set-cookie'];
  });
  // Activity listeners are attached only once the sockets are piped ('open'): a 'data' listener added
  // earlier would switch a socket to flowing mode and lose the bytes read before the pipe.
  const clientOf = new WeakMap<Duplex, IncomingMessage>();
  const clientSocketOf = new WeakMap<IncomingMessage, Duplex>();
  proxy.on('proxyReqWs', (proxyReq, req, socket) => {
    clientSocketOf.set(req, socket);
    proxyReq.on('upgrade', (upstreamRes, upstreamSocket) => {
      const cookies = allowedSetCookies(upstreamRes.headers['set-cookie']);
      if (cookies && cookies.length > 0) upstreamRes.headers['set-cookie'] = cookies;
      else delete upstreamRes.headers['set-cookie'];
      clientOf.set(upstreamSocket, req);
    });
  });
  proxy.on('open', (upstreamSocket) => {
    const req = clientOf.get(upstreamSocket);
    const onActivity = req && activityOf.get(req);
    if (!req || !onActivity) return;
    upstreamSocket.on('data', onActivity);
    clientSocketOf.get(req)?.on('data', onActivity);
  });
  proxy.on('error', (error, req, target) => {
    if ('writeHead' in target) {
      const res = target as ServerResponse;
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
        res.end('The app is not answering. It may be starting, stopping or have crashed.\n');
      } else {
        res.destroy();
      }
    } else {
      (target as Duplex).destroy();
    }
  });

  return {
    web(req, res, upstream, path, onActivity) {
      res.on('error', () => res.destroy());
      sanitize(req, path);
      if (onActivity) {
        onActivity();
        res.once('finish', onActivity);
      }
      proxy.web(req, res, { target: { host: upstream.host, port: upstream.port } });
    },
    ws(req, socket, head, upstream, path, onActivity) {
      // A browser that goes away mid-handshake must not take the server with it.
      socket.on('error', () => socket.destroy());
      sanitize(req, path);
      if (onActivity) {
        onActivity();
        activityOf.set(req, onActivity);
      }
      proxy.ws(req, socket, head, { target: { host: upstream.host, port: upstream.port } });
    },
  };
}
