// The primary's side of the render workers, with a stand-in worker (lib/testing/render-worker-fixture.mjs) that
// answers with what it received: who the worker believes the client is, streaming, the front's security
// headers, a worker that dies (rendered here meanwhile, then replaced), the runner facts, round-robin, close.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SOCKET_ADDRESS_HEADER } from '@/lib/auth/client-address';
import { applySecurityHeaders } from '@/lib/http/front';
import { REPO_ROOT } from '@/lib/testing/corpus';
import type { RunnerCapabilities } from '@/lib/runner/types';
import { startRenderWorkers, type RenderWorkers } from './pool';

const FIXTURE = path.join(REPO_ROOT, 'lib', 'testing', 'render-worker-fixture.mjs');
const CAPABILITIES = { runner: 'local', sandbox: { enabled: false, unavailableReason: 'probe says no', disabledByOperator: false } } as RunnerCapabilities;

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

/** A front like server.ts's: security headers, then the worker, else "primary"; the fallback says "rendered here". */
async function front(count: number, socketParent?: string): Promise<{ pool: RenderWorkers; port: number }> {
  const pool = startRenderWorkers({
    count,
    socketParent,
    entry: FIXTURE,
    execArgv: [],
    args: [],
    capabilities: async () => CAPABILITIES,
    backoffMs: { first: 20, max: 50 },
    log: { log: () => {}, error: () => {} },
  });
  const server = http.createServer((req, res) => {
    applySecurityHeaders(req, res);
    if (!pool.forward(req, res, () => res.end('rendered here'))) res.end('primary');
  });
  // On every loopback address, so that clients can come from 127.0.0.1 and 127.0.0.2.
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  cleanup.push(() => pool.close(), () => new Promise((r) => server.close(() => r())));
  await expect.poll(() => pool.status().ready, { timeout: 10_000 }).toBe(count);
  return { pool, port: (server.address() as AddressInfo).port };
}

function get(port: number, pathname: string, options: { from?: string; headers?: Record<string, string> } = {}) {
  return new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: pathname, localAddress: options.from, headers: options.headers, agent: false }, resolve);
    req.on('error', reject);
  });
}

/** Lets a worker's held /apps/stream finish, asking the worker directly (the pool might render it here). */
function release(pid: number) {
  return new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = http.get({ socketPath: socketOf(pid), path: '/apps/release', agent: false }, resolve);
    req.on('error', reject);
  });
}

async function text(res: http.IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of res) body += chunk;
  return body;
}

describe('render workers (the primary side)', () => {
  it('forwards only the catalog pages, telling the worker the real peer, never a client-sent address', async () => {
    const { port } = await front(1);
    expect(await text(await get(port, '/api/v1/apps'))).toBe('primary');
    for (const from of ['127.0.0.1', '127.0.0.2']) {
      const res = await get(port, '/apps/echo?q=1', { from, headers: { [SOCKET_ADDRESS_HEADER]: '203.0.113.9', 'x-forwarded-for': '198.51.100.1' } });
      const seen = JSON.parse(await text(res)) as { url: string; headers: Record<string, string> };
      expect(seen.url).toBe('/apps/echo?q=1');
      expect(seen.headers[SOCKET_ADDRESS_HEADER]).toBe(from);
      // A client's X-Forwarded-For stays as it came (believed only with TRUST_PROXY, as without workers).
      expect(seen.headers['x-forwarded-for']).toBe('198.51.100.1');
    }
    const seen = JSON.parse(await text(await get(port, '/apps/echo', { from: '127.0.0.2' }))) as { headers: Record<string, string> };
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.2');
  });

  it("puts the front's security headers on the worker's answer, with the nonce the worker was given", async () => {
    const { port } = await front(1);
    const res = await get(port, '/apps/echo');
    const seen = JSON.parse(await text(res)) as { headers: Record<string, string> };
    const nonce = /'nonce-([^']+)'/.exec(String(res.headers['content-security-policy']))?.[1];
    expect(nonce).toBeTruthy();
    expect(seen.headers['content-security-policy']).toContain(`'nonce-${nonce}'`);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-worker-pid']).toMatch(/^\d+$/);
  });

  it('streams the answer as the worker writes it, keeping every Set-Cookie', async () => {
    const { pool, port } = await front(1);
    const res = await get(port, '/apps/stream');
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    // The worker holds the rest back until /apps/release: a proxy that buffered would never show the first part.
    const chunks = res[Symbol.asyncIterator]();
    expect(String((await chunks.next()).value)).toBe('first part;');
    expect(await text(await release(pool.pids()[0]))).toBe('released');
    let rest = '';
    for (let c = await chunks.next(); !c.done; c = await chunks.next()) rest += c.value;
    expect(rest).toBe('second part');
  });

  it('renders a page here when every worker has more pages in progress than the primary, and counts them until they close', async () => {
    const { pool, port } = await front(2);
    const [a, b] = await Promise.all([get(port, '/apps/stream'), get(port, '/apps/stream')]);
    // One held page on each worker (the least busy takes the next), none here: the next page is the primary's.
    expect(pool.inProgress()).toEqual({ here: 0, workers: [1, 1] });
    expect(await text(await get(port, '/apps/echo'))).toBe('primary');
    // Not a catalog page: never counted.
    expect(await text(await get(port, '/api/v1/apps'))).toBe('primary');
    for (const pid of pool.pids()) expect(await text(await release(pid))).toBe('released');
    expect(await text(a)).toBe('first part;second part');
    expect(await text(b)).toBe('first part;second part');
    await expect.poll(() => pool.inProgress(), { timeout: 5_000 }).toEqual({ here: 0, workers: [0, 0] });
    // Nothing in progress anywhere: the workers take the pages (in turn), not the primary.
    const pids = new Set<number>();
    for (let i = 0; i < 2; i++) pids.add((JSON.parse(await text(await get(port, '/apps/echo'))) as { pid: number }).pid);
    expect([...pids].sort()).toEqual([...pool.pids()].sort());
  });

  it('keeps counting a page rendered here until its answer closes', async () => {
    const hold: { finish: (() => void) | null } = { finish: null };
    const pool = startRenderWorkers({
      count: 1,
      entry: FIXTURE,
      execArgv: [],
      args: [],
      capabilities: async () => CAPABILITIES,
      log: { log: () => {}, error: () => {} },
    });
    // A primary whose own render of /apps/slow waits until the test lets it finish.
    const server = http.createServer((req, res) => {
      if (pool.forward(req, res, () => res.end('rendered here'))) return;
      if (req.url === '/apps/slow') hold.finish = () => res.end('primary, slowly');
      else res.end('primary');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => pool.close(), () => new Promise((r) => server.close(() => r())));
    await expect.poll(() => pool.status().ready, { timeout: 10_000 }).toBe(1);
    const port = (server.address() as AddressInfo).port;
    const held = await get(port, '/apps/stream'); // the worker: 1 in progress
    const slow = get(port, '/apps/slow'); // here: 0 < 1
    await expect.poll(() => hold.finish !== null, { timeout: 5_000 }).toBe(true);
    expect(pool.inProgress()).toEqual({ here: 1, workers: [1] });
    // 1 here, 1 on the worker: a tie goes to the worker.
    expect((JSON.parse(await text(await get(port, '/apps/echo'))) as { pid: number }).pid).toBe(pool.pids()[0]);
    hold.finish!();
    expect(await text(await slow)).toBe('primary, slowly');
    await expect.poll(() => pool.inProgress().here, { timeout: 5_000 }).toBe(0);
    expect(await text(await release(pool.pids()[0]))).toBe('released');
    expect(await text(held)).toBe('first part;second part');
  });

  it('renders here when the worker dies before answering, then forks another', async () => {
    const { pool, port } = await front(1);
    const [before] = pool.pids();
    expect(await text(await get(port, '/apps/exit'))).toBe('rendered here');
    await expect.poll(() => pool.pids()[0] !== before && pool.status().ready === 1, { timeout: 10_000 }).toBe(true);
    const seen = JSON.parse(await text(await get(port, '/apps/echo'))) as { pid: number };
    expect(seen.pid).toBe(pool.pids()[0]);
    expect(seen.pid).not.toBe(before);
  });

  it('waits longer before each new start of a worker that keeps failing, answering here meanwhile', async () => {
    const lines: string[] = [];
    const pool = startRenderWorkers({
      count: 1,
      entry: FIXTURE,
      execArgv: [],
      args: ['--fail-at-once'],
      capabilities: async () => CAPABILITIES,
      backoffMs: { first: 20, max: 50 },
      log: { log: () => {}, error: (line: string) => lines.push(line) },
    });
    cleanup.push(() => pool.close());
    const waits = () => lines.flatMap((l) => /again in (\d+) ms/.exec(l)?.[1] ?? []).map(Number);
    await expect.poll(() => waits().length, { timeout: 20_000 }).toBeGreaterThanOrEqual(4);
    expect(waits().slice(0, 4)).toEqual([20, 40, 50, 50]);
    expect(pool.status()).toEqual({ wanted: 1, ready: 0 });
    const req = { method: 'GET', url: '/', headers: {}, socket: {} } as unknown as http.IncomingMessage;
    expect(pool.forward(req, {} as http.ServerResponse, () => {})).toBe(false);
  });

  it("answers a worker's question about the runner with the primary's capabilities", async () => {
    const { port } = await front(1);
    expect(JSON.parse(await text(await get(port, '/apps/capabilities')))).toMatchObject({ type: 'capabilities', capabilities: CAPABILITIES });
  });

  it('takes the workers in turn, and stops them on close, removing their sockets', async () => {
    const { pool, port } = await front(2);
    const pids = new Set<number>();
    for (let i = 0; i < 4; i++) pids.add((JSON.parse(await text(await get(port, '/apps/echo'))) as { pid: number }).pid);
    expect([...pids].sort()).toEqual([...pool.pids()].sort());
    const children = pool.pids();
    const socketDir = path.dirname(socketOf(children[0]));
    expect(fs.statSync(socketDir).mode & 0o777).toBe(0o700);
    await pool.close();
    for (const pid of children) expect(() => process.kill(pid, 0)).toThrow();
    expect(fs.existsSync(socketDir)).toBe(false);
    expect(pool.status().ready).toBe(0);
  });
});

describe('the sockets under DATA_DIR/run', () => {
  it('go in a 0700 directory named after the primary, and what a killed primary left is removed', async () => {
    const parent = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'appstore-render-test-')), 'run');
    cleanup.push(async () => fs.rmSync(path.dirname(parent), { recursive: true, force: true }));
    // A primary that is gone (a process that ran and exited), and one still running (this test's parent process).
    const gone = spawnSync(process.execPath, ['-e', 'process.pid'], { stdio: 'ignore' }).pid!;
    for (const pid of [gone, process.ppid]) fs.mkdirSync(path.join(parent, String(pid), 'x'), { recursive: true });
    const { pool, port } = await front(1, parent);
    expect(fs.existsSync(path.join(parent, String(gone)))).toBe(false);
    expect(fs.existsSync(path.join(parent, String(process.ppid), 'x'))).toBe(true);
    const own = path.join(parent, String(process.pid));
    expect(socketOf(pool.pids()[0])).toBe(path.join(own, 'worker-1.sock'));
    expect(fs.statSync(own).mode & 0o777).toBe(0o700);
    expect(fs.statSync(parent).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await text(await get(port, '/apps/echo'))).pid).toBe(pool.pids()[0]);
    await pool.close();
    expect(fs.existsSync(own)).toBe(false);
  });

  it('go in a temporary directory when the path would be too long for a unix socket', async () => {
    const parent = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'appstore-render-test-')), 'x'.repeat(90));
    cleanup.push(async () => fs.rmSync(path.dirname(parent), { recursive: true, force: true }));
    const { pool } = await front(1, parent);
    expect(socketOf(pool.pids()[0]).startsWith(path.join(os.tmpdir(), 'appstore-render-'))).toBe(true);
    expect(fs.existsSync(parent)).toBe(false);
  });
});

/** The socket a worker was given, from its command line. */
function socketOf(pid: number): string {
  const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  return argv[argv.indexOf('--render-worker') + 1];
}
