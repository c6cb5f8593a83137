// The production server (what `npm start` runs): reads and checks the configuration, then answers every
// request with Next.js behind the front (lib/http/front.ts: security headers, 404/403/413 where Next would
// answer 500). It is the one place where requests may be routed before Next (instance traffic, browsers' icons
// and screenshots): a router sees each request and upgrade first and either answers it or passes it on.
// It never reads cookies or caches pages: authorization is Auth.js and lib/auth, inside the handlers.
// With RENDER_WORKERS (default: one less than the cores, at most 3) it also forks render workers: this same file,
// started with --render-worker <socket>, running Next on a private unix socket; the primary hands them the
// catalog's read pages (lib/render/pool.ts, lib/render/forward-rule.ts) and keeps everything else, the start-up
// jobs and the instances included (a worker runs none: lib/render/role.ts).
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
import { RENDER_WORKER_FLAG, startRenderWorkers, type PrimaryMessage, type RenderWorkers } from './lib/render/pool';
import { markRenderWorker, renderWorkerWarmUp, setRenderWorkersStatus } from './lib/render/role';
import { startUpPhase } from './lib/startup-phase';
import { createInstanceRouter } from './lib/router/instance-router';
import { createAssetRouter } from './lib/router/asset-router';
import { installedManager } from './lib/instances/installed';
import type { Runner, RunnerCapabilities } from './lib/runner/types';

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
  /** Stops the render workers (RENDER_WORKERS), if any; close() does it first. */
  stopRenderWorkers(): Promise<void>;
  /** Stops the render workers, then the server. */
  close(): Promise<void>;
}

/** The project folder: this file's, or its parent's when this is the compiled copy inside the build folder. */
function projectDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return fs.existsSync(path.join(here, 'BUILD_ID')) ? path.dirname(here) : here;
}

type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

/** `handle`, answering 500 (and logging why) when it throws. */
function answeredByNext(handle: RequestHandler): RequestHandler {
  return async (req, res) => {
    try {
      await handle(req, res);
    } catch (error) {
      console.error('Request failed:', error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Internal server error');
    }
  };
}

/** How long after the start-up the render workers are forked: a restart's first pages come first. */
const WORKER_START_DELAY_MS = 2000;

/** The instance manager's runner, installed by the start-up (lib/instances/installed.ts; outside Next's bundles here). */
function installedRunner(): Pick<Runner, 'capabilities'> | undefined {
  return installedManager()?.runner;
}

export async function startPortal(options: {
  port: number;
  hostname: string;
  routers?: PortalRouter[];
  /** Render workers to fork for the catalog's read pages (RENDER_WORKERS); 0 or absent: none. */
  renderWorkers?: number;
  /** Where their sockets go (DATA_DIR/run); absent: a temporary directory. */
  renderWorkerSockets?: string;
}): Promise<PortalServer> {
  const routers = options.routers ?? [];
  const app = next({ dev: false, dir: projectDir(), hostname: options.hostname, port: options.port });
  await app.prepare(); // Next's own server, and with it the start-up jobs (instrumentation.ts), come with the first request
  const handleWithNext = app.getRequestHandler();
  const handleUpgradeWithNext = app.getUpgradeHandler();
  const wanted = options.renderWorkers ?? 0;
  let workers: RenderWorkers | null = null;
  let stopped = false;
  const startWorkers = () => {
    if (stopped) return;
    console.log(`Starting ${wanted} render worker${wanted > 1 ? 's' : ''}.`);
    workers = startRenderWorkers({
      count: wanted,
      entry: fileURLToPath(import.meta.url),
      execArgv: process.execArgv,
      args: ['-p', String(options.port), '-H', options.hostname],
      socketParent: options.renderWorkerSockets,
      capabilities: async () => {
        const runner = installedRunner();
        if (!runner) throw new Error('The instance manager has not been started.');
        return runner.capabilities();
      },
    });
  };
  if (wanted > 0) {
    setRenderWorkersStatus(() => workers?.status() ?? { wanted, ready: 0 });
    // Forked once the primary's start-up is done (it runs with the first request), background part included
    // (the quick check, the sweep of unreferenced files), and a moment later: the migrations have run before a
    // worker opens the database, and a restart's first pages do not share the CPU with the workers' own start
    // (about 1 s of CPU each; on a busy 2-core machine that made a fresh portal's first page 0.8 s slower).
    const whenStartedUp = () =>
      startUpPhase() === 'done' ? setTimeout(startWorkers, WORKER_START_DELAY_MS).unref() : setTimeout(whenStartedUp, 200).unref();
    whenStartedUp();
  }
  const stopRenderWorkers = async () => {
    stopped = true;
    await workers?.close();
  };
  const renderHere = answeredByNext(handleWithNext);

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
      // The catalog's read pages go to a render worker when one is ready; everything else is answered here.
      if (workers?.forward(req, res, () => void renderHere(req, res))) return;
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
    stopRenderWorkers,
    async close() {
      await stopRenderWorkers();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A render worker (forked by the primary with --render-worker <socket>): Next on a unix socket only the primary
 * can reach, so the headers the primary set are trusted as they come (the client address in
 * SOCKET_ADDRESS_HEADER, the script nonce in Content-Security-Policy). It runs no start-up job and no instance
 * manager; it exits when the primary goes away.
 */
async function startRenderWorker(socketPath: string, port: number, hostname: string): Promise<void> {
  if (!process.send) throw new Error(`${RENDER_WORKER_FLAG} is for the workers the server forks itself.`);
  process.on('disconnect', () => process.exit(0));
  let asked = 0;
  const waiting = new Map<number, { resolve: (c: RunnerCapabilities) => void; reject: (e: Error) => void }>();
  process.on('message', (message: PrimaryMessage) => {
    const pending = message?.type === 'capabilities' ? waiting.get(message.id) : undefined;
    if (!pending) return;
    waiting.delete(message.id);
    if (message.capabilities) pending.resolve(message.capabilities);
    else pending.reject(new Error(message.error ?? 'no answer'));
  });
  // The primary's runner probed the sandbox once; its answer does not change while it runs.
  let capabilities: Promise<RunnerCapabilities> | null = null;
  markRenderWorker({
    capabilities() {
      capabilities ??= new Promise<RunnerCapabilities>((resolve, reject) => {
        const id = ++asked;
        waiting.set(id, { resolve, reject });
        process.send!({ type: 'capabilities', id });
      });
      capabilities.catch(() => (capabilities = null));
      return capabilities;
    },
  });
  const app = next({ dev: false, dir: projectDir(), hostname, port });
  await app.prepare();
  const handleWithNext = app.getRequestHandler();
  const server = http.createServer(answeredByNext(handleWithNext));
  // The primary keeps its connections to the worker open; an idle one is never closed from this side, so a
  // request never meets a connection closing under it.
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  fs.chmodSync(socketPath, 0o600);
  // Before it takes pages: the search's warm-up (the cards' words and the full-access indexes), which Next's
  // instrumentation.ts starts with this process's first request, and the catalog page's code loaded; until then
  // the primary renders every page, so that no visitor's page waits behind them.
  const started = Date.now();
  await pageForItself(socketPath);
  const warmed = await Promise.race([renderWorkerWarmUp(), new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), WORKER_WARM_UP_MAX_MS).unref())]);
  const took = `${Date.now() - started} ms`;
  console.log(
    typeof warmed === 'number'
      ? `Render worker ${process.pid} ready: its search warmed up (${warmed} cards) in ${took}.`
      : `Render worker ${process.pid} ready without its search warmed up (${warmed === 'late' ? 'still running' : warmed === null ? 'it failed' : 'none started'}) after ${took}.`,
  );
  process.send({ type: 'ready' });
}

/** The longest a render worker waits for its warm-up before taking pages anyway. */
const WORKER_WARM_UP_MAX_MS = 120_000;

/**
 * `GET /` from the worker to itself over its socket, its answer dropped (a redirect to sign in, or in public
 * mode the anonymous catalog): Next runs instrumentation.ts with a process's first request and loads the page's
 * code. Settles when answered or failed (then the first page the primary hands over does this work instead).
 */
function pageForItself(socketPath: string): Promise<void> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath, path: '/', headers: { [SOCKET_ADDRESS_HEADER]: '127.0.0.1' } }, (res) => {
      res.resume();
      res.on('close', () => resolve()); // read to its end, or cut off
    });
    req.on('error', () => resolve());
    req.setTimeout(WORKER_WARM_UP_MAX_MS, () => req.destroy());
  });
}

async function main() {
  const { values } = parseArgs({
    options: { port: { type: 'string', short: 'p' }, hostname: { type: 'string', short: 'H' }, 'render-worker': { type: 'string' } },
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
  const socketPath = values['render-worker'];
  if (socketPath) {
    await startRenderWorker(socketPath, config.port, config.hostname);
    return;
  }
  const portal = await startPortal({
    port: config.port,
    hostname: config.hostname,
    routers: [createInstanceRouter(), createAssetRouter()],
    renderWorkers: config.renderWorkers,
    renderWorkerSockets: path.join(config.dataDir, 'run'),
  });
  const workers = config.renderWorkers;
  console.log(`App Store ready on ${portal.url}${workers ? ` (and ${workers} render worker${workers > 1 ? 's' : ''} once the start-up is done)` : ''}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void portal.close();
      // The workers stop first (they would also exit on their own when this process is gone).
      void portal.stopRenderWorkers().finally(() => process.exit(0));
    });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
