// The production server (what `npm start` runs): reads and checks the configuration, then answers every
// request with Next.js behind the front (lib/http/front.ts: security headers, 404/403/413 where Next would
// answer 500). It is the one place where requests may be routed before Next (instance traffic, next
// issues): a router sees each request and upgrade first and either answers it or passes it on.
// It never reads cookies or caches pages: authorization is Auth.js and lib/auth, inside the handlers.
// Takes the same options as `next start`: -p/--port (or PORT), -H/--hostname (or HOSTNAME).
// `npm start` runs it compiled to plain JavaScript (scripts/build-if-stale.mjs writes <distDir>/portal-server.mjs):
// through tsx, every module Next loads passes tsx's loader hooks and source maps: 0.7–0.9 s more CPU per start.
import fs from 'node:fs';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import next from 'next';
import { SOCKET_ADDRESS_HEADER } from './lib/auth/client-address';
import { ConfigError, loadConfig, setProductionMode } from './lib/config';
import { applySecurityHeaders, capPageWriteBody, hasMalformedPath, isCrossOriginPageWrite } from './lib/http/front';
import { createInstanceRouter } from './lib/router/instance-router';

/** Something that answers some requests before Next does (e.g. the instance router). */
export interface PortalRouter {
  /**
   * Answers the request and returns true, or returns false to leave it to the next router / Next. Return
   * false synchronously for traffic that is not yours: the portal's own handling must start in the same tick.
   */
  handle(req: http.IncomingMessage, res: http.ServerResponse): boolean | Promise<boolean>;
  /** The same for protocol upgrades (websockets). */
  upgrade?(req: http.IncomingMessage, socket: Duplex, head: Buffer): boolean | Promise<boolean>;
}

export interface PortalServer {
  server: http.Server;
  url: string;
  close(): Promise<void>;
}

/** The project folder: this file's, or its parent's when this is the compiled copy inside the build folder. */
function projectDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return fs.existsSync(path.join(here, 'BUILD_ID')) ? path.dirname(here) : here;
}

export async function startPortal(options: { port: number; hostname: string; routers?: PortalRouter[] }): Promise<PortalServer> {
  const routers = options.routers ?? [];
  const app = next({ dev: false, dir: projectDir(), hostname: options.hostname, port: options.port });
  await app.prepare();
  const handleWithNext = app.getRequestHandler();
  const handleUpgradeWithNext = app.getUpgradeHandler();

  const server = http.createServer(async (req, res) => {
    try {
      // The TCP peer, for the sign-in throttle (lib/auth/client-address.ts): always ours, never the client's.
      req.headers[SOCKET_ADDRESS_HEADER] = req.socket.remoteAddress ?? '';
      // Routers answer their own traffic (and set its headers); the front below is for the portal's pages.
      // Not awaited unless a router claims the request: the front below must see the body from its first byte.
      for (const router of routers) {
        const handled = router.handle(req, res);
        if (handled === true || (handled !== false && (await handled))) return;
      }
      applySecurityHeaders(req, res);
      // Next answers these with a 500; they are a page that does not exist, a forged form and a body too large.
      if (hasMalformedPath(req.url)) req.url = '/_not-found';
      else if (isCrossOriginPageWrite(req)) {
        res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Cross-origin requests may not change anything here.');
        return;
      }
      if (capPageWriteBody(req, res)) return;
      await handleWithNext(req, res);
    } catch (error) {
      console.error('Request failed:', error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Internal server error');
    }
  });
  server.on('upgrade', async (req, socket, head) => {
    try {
      for (const router of routers) {
        const handled = router.upgrade?.(req, socket, head) ?? false;
        if (handled === true || (handled !== false && (await handled))) return;
      }
      await handleUpgradeWithNext(req, socket, head);
    } catch (error) {
      console.error('Upgrade failed:', error);
      socket.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.hostname, resolve));
  const shown = options.hostname === '0.0.0.0' ? 'localhost' : options.hostname;
  return {
    server,
    url: `http://${shown}:${options.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function main() {
  const { values } = parseArgs({
    options: { port: { type: 'string', short: 'p' }, hostname: { type: 'string', short: 'H' } },
    allowPositionals: true,
  });
  let config;
  try {
    setProductionMode();
    config = loadConfig({ PORT: values.port, HOSTNAME: values.hostname });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`The App Store cannot start: ${error.message}`);
    process.exit(1);
  }
  const portal = await startPortal({ port: config.port, hostname: config.hostname, routers: [createInstanceRouter()] });
  console.log(`App Store ready on ${portal.url}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void portal.close();
      process.exit(0);
    });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
