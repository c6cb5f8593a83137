// Starts a production build of the portal (`server.ts`, as `npm start` does) on a port with its own DATA_DIR, for the
// benchmarks and the crash test. Needs `next build` to have run (NEXT_DIST_DIR is honoured).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { statCpuTicks } from './browse-traffic';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface RunningServer {
  url: string;
  pid: number;
  process: ChildProcess;
  /** When the server process was started (Date.now()), after any compiling: a cold start is measured from here. */
  startedAt: number;
  /** Graceful stop. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash would. */
  kill(): Promise<void>;
  /** What the server printed so far (stdout and stderr), when started with `capture`. */
  output(): string;
}

/**
 * Node's options in `npm start` (package.json), which the render workers inherit: a young generation of 32 MiB
 * semi-spaces instead of 16, so a page's garbage is collected less often (7–10 % less CPU per page, measured
 * side by side with scripts/lib/cpu-ab.ts). server-flags.test.ts keeps the two lists equal.
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=32'];

export const ADMIN = { email: 'admin@bench.test', password: 'bench-admin-password-1' };

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

/** server.ts compiled as `npm start` compiles it (scripts/build-if-stale.mjs, plain JavaScript: loaded by path). */
async function compiledServer(distDir: string, name: string): Promise<string> {
  const script = path.join(projectRoot, 'scripts', 'build-if-stale.mjs');
  const { compileServer } = (await import(script)) as { compileServer: (root: string, distDir: string, name?: string) => Promise<string> };
  return compileServer(projectRoot, distDir, name);
}

/**
 * Polls `url`/api/health every 100 ms until the server answers it and, with `untilStartedUp`, says its start-up's
 * background part is done (the quick check, the sweep, the search's warm-up); throws if the server exits first
 * or the time runs out.
 */
export async function healthy(url: string, child: ChildProcess, options: { untilStartedUp: boolean; timeoutMs: number }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The server exited with code ${child.exitCode}.`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok && (!options.untilStartedUp || ((await res.json()) as { startUp?: string }).startUp !== 'running')) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`The server did not answer /api/health (and finish its start-up) within ${options.timeoutMs / 1000} s.`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startServer(options: {
  port: number;
  dataDir: string;
  env?: Record<string, string>;
  quiet?: boolean;
  /** Keep what the server prints (still echoing stderr), for tests that look at it. */
  capture?: boolean;
  /** A command the server is started through (it must exec its arguments), e.g. to change the host it sees. */
  wrapper?: string[];
  /**
   * Wait (default) until the start-up's background part is done as well (/api/health `startUp`: the
   * database's quick check and the sweep of unreferenced files), or only until the server answers.
   */
  untilStartedUp?: boolean;
  /** Run server.ts as `npm start` does: compiled by esbuild into the build folder, with plain node (default: through tsx). */
  compiled?: boolean;
}): Promise<RunningServer> {
  const distDir = process.env.NEXT_DIST_DIR || '.next';
  if (!fs.existsSync(path.join(projectRoot, distDir, 'BUILD_ID'))) {
    throw new Error(`No production build in ${distDir}: run \`npm run build\` first.`);
  }
  const entry = options.compiled
    ? [await compiledServer(distDir, `portal-server.test-${process.pid}-${options.port}.mjs`)]
    : ['--import', 'tsx', path.join(projectRoot, 'server.ts')];
  const argv = [process.execPath, ...SERVER_NODE_FLAGS, ...entry, '-p', String(options.port), '-H', '127.0.0.1'];
  const [command, ...args] = [...(options.wrapper ?? []), ...argv];
  const startedAt = Date.now();
  const child = spawn(command, args, {
    cwd: projectRoot,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATA_DIR: options.dataDir,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      AUTH_SECRET: 'server-script-secret-0123456789abcdef',
      ...options.env,
    },
    stdio: options.capture ? ['ignore', 'pipe', 'pipe'] : ['ignore', options.quiet === false ? 'inherit' : 'ignore', 'inherit'],
  });
  let printed = '';
  if (options.capture) {
    child.stdout?.on('data', (d: Buffer) => (printed += d.toString()));
    child.stderr?.on('data', (d: Buffer) => {
      printed += d.toString();
      process.stderr.write(d);
    });
  }
  const url = `http://127.0.0.1:${options.port}`;
  try {
    await healthy(url, child, { untilStartedUp: options.untilStartedUp !== false, timeoutMs: 60_000 });
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url,
    pid: child.pid!,
    process: child,
    startedAt,
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
    },
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
    output: () => printed,
  };
}

export async function adminToken(url: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ ...ADMIN, name: 'script' }),
  });
  if (res.status !== 201) throw new Error(`Sign-in failed: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** Resident set size of a process in bytes (Linux). */
export function rssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb * 1024;
}

/** A process's children (Linux: /proc/<pid>/task/<pid>/children), such as the server's render workers. */
export function childPids(pid: number): number[] {
  return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

/**
 * The CPU time (user + system, ms) a server has used: its own and its children's (the render workers render
 * a share of the pages); a child that exited meanwhile counts 0.
 */
export function serverCpuMs(pid: number): number {
  const own = (p: number) => {
    try {
      return statCpuTicks(fs.readFileSync(`/proc/${p}/stat`, 'utf8')) * 10; // USER_HZ = 100
    } catch {
      return 0;
    }
  };
  return own(pid) + childPids(pid).reduce((sum, child) => sum + own(child), 0);
}

/**
 * Bytes a process (all its threads) has taken in through read(2) and its kin, sockets included: the
 * `rchar` of /proc/<pid>/io (Linux). The difference over a request says how much of a body the server read.
 */
export function readBytes(pid: number): number {
  const io = fs.readFileSync(`/proc/${pid}/io`, 'utf8');
  return Number(/rchar:\s+(\d+)/.exec(io)?.[1] ?? 0);
}

/** Signs in through the sign-in form's Auth.js callback, as a browser does; returns the session cookie (`name=value`). */
export async function sessionCookie(url: string, user: { email: string; password: string } = ADMIN): Promise<string> {
  const csrf = await fetch(`${url}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookies = csrf.headers.getSetCookie().map((c) => c.split(';')[0]);
  const res = await fetch(`${url}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookies.join('; ') },
    body: new URLSearchParams({ csrfToken, email: user.email, password: user.password, callbackUrl: url }),
  });
  const session = res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('authjs.session-token='));
  if (!session) throw new Error(`Sign-in failed: HTTP ${res.status}`);
  return session;
}
