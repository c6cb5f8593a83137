// The primary server's render workers (RENDER_WORKERS): child processes of the same entry (server.ts, compiled
// or through tsx) that run Next on a unix socket in a private directory and render the catalog's read pages
// (lib/render/forward-rule.ts), so that page renders use every core. The primary is one of the renderers too:
// each such request goes to whichever has the fewest pages in progress, the primary only when it has fewer than
// every ready worker (ties go to the workers, in turn), streaming both ways; while no worker is ready, or when
// the worker fails before answering, the primary renders the page itself. A worker that exits is forked again with backoff; workers exit with the
// primary (IPC disconnect) and are stopped by close(). Workers ask the primary for the runner's capabilities
// (the app page's "cannot run here"): they run no instance manager of their own.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { SOCKET_ADDRESS_HEADER } from '@/lib/auth/client-address';
import type { RunnerCapabilities } from '@/lib/runner/types';
import { rendersInWorker } from './forward-rule';
import type { RenderWorkersStatus } from './role';

/** The message a worker sends once it listens, and the runner-capabilities exchange. */
export type WorkerMessage = { type: 'ready' } | { type: 'capabilities'; id: number };
export type PrimaryMessage = { type: 'capabilities'; id: number; capabilities?: RunnerCapabilities; error?: string };

export const RENDER_WORKER_FLAG = '--render-worker';

export interface RenderWorkersOptions {
  count: number;
  /** The script to fork (server.ts or its compiled copy), and the node options it runs with (e.g. `--import tsx`). */
  entry: string;
  execArgv: string[];
  /** More arguments for the worker (the port and hostname, which Next uses to build its own URLs). */
  args: string[];
  /** The primary's runner capabilities, asked by the workers' app pages. */
  capabilities(): Promise<RunnerCapabilities>;
  log?: Pick<Console, 'log' | 'error'>;
  /**
   * Where the sockets go: a directory per primary (its pid) under this one (DATA_DIR/run), where the next start
   * removes what a killed primary left; a temporary directory when absent or when the path would be too long
   * for a unix socket.
   */
  socketParent?: string;
  /** First and longest wait before forking a worker again after it exited. */
  backoffMs?: { first: number; max: number };
}

export interface RenderWorkers {
  /**
   * Hands the request to a ready worker and returns true, or returns false (synchronously) when it is not one
   * to forward, no worker is ready, or the primary has fewer pages in progress than every ready worker (its
   * share of the renders, counted until the answer closes). `fallback` renders it here when the worker fails
   * before answering.
   */
  forward(req: http.IncomingMessage, res: http.ServerResponse, fallback: () => void): boolean;
  status(): RenderWorkersStatus;
  /** Catalog pages in progress: rendered by the primary, and forwarded to each worker (for tests and operators). */
  inProgress(): { here: number; workers: number[] };
  /** The workers' process ids (for tests and operators). */
  pids(): number[];
  close(): Promise<void>;
}

/** Headers that belong to one connection, not to the message: not copied between the two connections. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

interface Slot {
  index: number;
  socketPath: string;
  child: ChildProcess | null;
  ready: boolean;
  readySince: number;
  failures: number;
  /** Requests forwarded to it whose answer has not closed yet. */
  inFlight: number;
  agent: http.Agent;
  timer: NodeJS.Timeout | null;
}

/** A unix socket's path is at most 107 bytes (sun_path); leave room. */
const SOCKET_PATH_MAX = 100;

/** Whether a process with this id runs (EPERM: it does, as another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A directory only this user may enter (mode 0700): nothing else on the host, apps included, reaches the sockets. */
function socketDirectory(parent: string | undefined): string {
  if (parent && Buffer.byteLength(path.join(parent, String(process.pid), 'worker-99.sock')) <= SOCKET_PATH_MAX) {
    fs.mkdirSync(parent, { recursive: true, mode: 0o700 });
    fs.chmodSync(parent, 0o700);
    // What primaries killed before they could clean up left behind (their process is gone).
    for (const name of fs.readdirSync(parent)) {
      if (/^\d+$/.test(name) && Number(name) !== process.pid && !alive(Number(name))) fs.rmSync(path.join(parent, name), { recursive: true, force: true });
    }
    const dir = path.join(parent, String(process.pid));
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { mode: 0o700 });
    return dir;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'appstore-render-'));
  fs.chmodSync(dir, 0o700);
  return dir;
}

export function startRenderWorkers(options: RenderWorkersOptions): RenderWorkers {
  const log = options.log ?? console;
  const backoff = options.backoffMs ?? { first: 500, max: 30_000 };
  const dir = socketDirectory(options.socketParent);
  let closing = false;
  let closed: Promise<void> | null = null;
  let next = 0;
  /** The catalog pages the primary chose to render itself whose answer has not closed yet. */
  let here = 0;
  const slots: Slot[] = Array.from({ length: options.count }, (_, index) => ({
    index,
    socketPath: path.join(dir, `worker-${index + 1}.sock`),
    child: null,
    ready: false,
    readySince: 0,
    failures: 0,
    inFlight: 0,
    agent: new http.Agent({ keepAlive: true }),
    timer: null,
  }));

  function spawn(slot: Slot): void {
    slot.timer = null;
    if (closing) return;
    let child: ChildProcess;
    try {
      fs.rmSync(slot.socketPath, { force: true });
      child = fork(options.entry, [RENDER_WORKER_FLAG, slot.socketPath, ...options.args], {
        execArgv: options.execArgv,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
    } catch (error) {
      // No process to be had now (EAGAIN, ENOMEM): the primary renders meanwhile and tries again later.
      log.error(`Render worker ${slot.index + 1} could not be started:`, error);
      retry(slot);
      return;
    }
    slot.child = child;
    child.on('message', (message: WorkerMessage) => {
      if (message?.type === 'ready') {
        slot.ready = true;
        slot.readySince = Date.now();
      } else if (message?.type === 'capabilities') {
        options.capabilities().then(
          (capabilities) => reply(child, { type: 'capabilities', id: message.id, capabilities }),
          (error: unknown) => reply(child, { type: 'capabilities', id: message.id, error: error instanceof Error ? error.message : String(error) }),
        );
      }
    });
    child.on('error', (error) => log.error(`Render worker ${slot.index + 1} failed:`, error));
    child.on('exit', (code, signal) => {
      slot.ready = false;
      slot.child = null;
      slot.agent.destroy();
      slot.agent = new http.Agent({ keepAlive: true });
      if (closing) return;
      log.error(`Render worker ${slot.index + 1} exited (${signal ?? `code ${code}`}).`);
      retry(slot);
    });
  }

  /** Forks the slot's worker again: after the first wait when it had served a while, else after a longer one each time. */
  function retry(slot: Slot): void {
    if (slot.readySince && Date.now() - slot.readySince > 60_000) slot.failures = 0;
    const wait = Math.min(backoff.max, backoff.first * 2 ** slot.failures);
    slot.failures += 1;
    slot.readySince = 0;
    log.error(`Starting render worker ${slot.index + 1} again in ${wait} ms.`);
    slot.timer = setTimeout(() => spawn(slot), wait);
  }

  function reply(child: ChildProcess, message: PrimaryMessage): void {
    if (child.connected) child.send(message);
  }

  /** The ready worker with the fewest requests in progress; among equals, the next in turn. */
  function pick(): Slot | null {
    let best: Slot | null = null;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[(next + i) % slots.length];
      if (slot.ready && (!best || slot.inFlight < best.inFlight)) best = slot;
    }
    if (best) next = (best.index + 1) % slots.length;
    return best;
  }

  function forward(req: http.IncomingMessage, res: http.ServerResponse, fallback: () => void): boolean {
    if (!rendersInWorker(req)) return false;
    const slot = pick();
    if (!slot) return false;
    if (here < slot.inFlight) {
      // The primary's core has room: this one is rendered here (server.ts goes on to Next).
      here += 1;
      res.once('close', () => (here -= 1));
      return false;
    }
    slot.inFlight += 1;
    res.once('close', () => (slot.inFlight -= 1));
    const headers: http.IncomingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
    // The TCP peer, whatever the client sent (server.ts sets it too): the worker takes it as it comes.
    headers[SOCKET_ADDRESS_HEADER] = req.socket.remoteAddress ?? '';
    // What Next sets from the TCP peer when it answers itself; the worker's peer is a unix socket.
    headers['x-forwarded-for'] ??= req.socket.remoteAddress;
    const upstream = http.request({ socketPath: slot.socketPath, agent: slot.agent, method: req.method, path: req.url, headers });
    let answered = false;
    let abandoned = false;
    upstream.on('response', (answer) => {
      answered = true;
      const headers: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
      // Through the front's writeHead (lib/http/front.ts): the security headers are added as for any page.
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, headers);
      answer.pipe(res);
      answer.on('error', () => res.destroy());
    });
    upstream.on('error', (error) => {
      if (abandoned) return;
      if (!answered && !res.headersSent && !res.destroyed) {
        // The worker died (its exit forks another) or refused: this request is rendered here instead.
        log.error(`Render worker ${slot.index + 1} did not answer (${(error as NodeJS.ErrnoException).code ?? error.message}); rendering here.`);
        fallback();
      } else {
        res.destroy();
      }
    });
    // The browser went away: stop the render.
    res.on('close', () => {
      if (res.writableFinished) return;
      abandoned = true;
      upstream.destroy();
    });
    upstream.end();
    return true;
  }

  for (const slot of slots) spawn(slot);

  return {
    forward,
    status: () => ({ wanted: slots.length, ready: slots.filter((s) => s.ready).length }),
    inProgress: () => ({ here, workers: slots.map((s) => s.inFlight) }),
    pids: () => slots.flatMap((s) => (s.child?.pid ? [s.child.pid] : [])),
    close() {
      closed ??= stopAll();
      return closed;
    },
  };

  async function stopAll(): Promise<void> {
      closing = true;
      await Promise.all(
        slots.map(async (slot) => {
          if (slot.timer) clearTimeout(slot.timer);
          slot.ready = false;
          slot.agent.destroy();
          const child = slot.child;
          if (!child || child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(timer);
        }),
      );
      fs.rmSync(dir, { recursive: true, force: true });
  }
}
