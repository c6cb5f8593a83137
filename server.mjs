#!/usr/bin/env node
// Production server: Next.js behind a cache of rendered catalog and app pages (lib/page-cache).
// Takes the same options as `next start`: -p/--port (or PORT), -H/--hostname (or HOSTNAME).
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import next from 'next';
import { applySecurityHeaders, capPageWriteBody, hasMalformedPath, isCrossOriginPageWrite } from './lib/http/front.mjs';
import { createPageCache } from './lib/page-cache/page-cache.mjs';

const dir = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: { port: { type: 'string', short: 'p' }, hostname: { type: 'string', short: 'H' } },
  allowPositionals: true,
});
const port = Number(values.port ?? process.env.PORT ?? 3000);
const hostname = values.hostname ?? process.env.HOSTNAME ?? '0.0.0.0';
process.env.NODE_ENV = 'production';

const app = next({ dev: false, dir, hostname, port });
await app.prepare();
const handleWithNext = app.getRequestHandler();
const pageCache =
  process.env.PAGE_CACHE === 'off' ? null : createPageCache({ dataDir: path.resolve(process.env.DATA_DIR || './data') });

const server = http.createServer(async (req, res) => {
  // The TCP peer, for the sign-in throttle (lib/auth/client-address.ts): always ours, never the client's.
  req.headers['x-appstore-socket-address'] = req.socket.remoteAddress ?? '';
  applySecurityHeaders(req, res);
  // Next answers these with a 500; they are a page that does not exist, a forged form and a body too large.
  if (hasMalformedPath(req.url)) req.url = '/_not-found';
  else if (isCrossOriginPageWrite(req)) {
    res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Cross-origin requests may not change anything here.');
    return;
  }
  if (capPageWriteBody(req, res)) return;
  try {
    if (pageCache && (await pageCache.handle(req, res))) return;
  } catch (error) {
    console.error('Page cache failed; rendering instead:', error);
  }
  handleWithNext(req, res);
});
server.listen(port, hostname, () => {
  console.log(`App Store ready on http://${hostname === '0.0.0.0' ? 'localhost' : hostname}:${port}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    server.close();
    pageCache?.close();
    process.exit(0);
  });
}
