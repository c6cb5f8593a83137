// The restart benchmark (`npm run bench:start`): how long a built portal takes from its process starting to
// its first page answered, as `npm start` runs it (server.ts compiled into the build folder, plain node) and,
// for comparison, through tsx (`node --import tsx server.ts`, how it ran before), beside a reference: node
// starting a trivial HTTP server. On an empty DATA_DIR (restarted after a first start created it) and on a
// seeded 10,000-app catalog (scripts/lib/catalog-seed.ts; APPS=… for another size), where it also measures
// the cold start: the first signed-in catalog page (sign-in and the head index built by the first
// catalog request included); and a restart's first search once its start-up is done (the words and indexes the
// start-up prepared: lib/catalog/search-warm-up.ts), beside the search after it. Prints the
// median of ROUNDS (default 5) restarts, wall time and the server's CPU time (on a shared machine the CPU time
// is what other processes distort least).
//
//   npm run build && npm run bench:start
//   BENCH_DATA_DIR=/tmp/seeded npm run bench:start   keeps (and reuses) the seeded catalog
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NAMES, seed, signIn, VOCABULARY } from './lib/catalog-seed';
import { healthy, projectRoot } from './lib/server';
// @ts-expect-error a plain ES module script without types
import { COMPILED_SERVER, compileServer } from './build-if-stale.mjs';

const PORT = Number(process.env.PORT ?? 3870);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const TARGET_MS = 2000;
const distDir = process.env.NEXT_DIST_DIR || '.next';
const URL_BASE = `http://127.0.0.1:${PORT}`;

/** User + system CPU time of a process so far, in ms (Linux). */
function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

/** Polls `url` until it answers 200 (every 10 ms: a refused connection costs next to nothing). */
async function firstAnswer(url: string, child: ChildProcess, init?: RequestInit): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The server exited with code ${child.exitCode}.`);
    const res = await fetch(url, init).catch(() => null); // null: not listening yet
    if (res) {
      await res.arrayBuffer();
      if (res.status === 200) return;
      throw new Error(`${url} answered ${res.status}`);
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within 120 s.`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

type Mode = 'reference' | 'npm start' | 'tsx';

function spawnServer(mode: Mode, dataDir: string): ChildProcess {
  const args =
    mode === 'reference'
      ? ['-e', `require('node:http').createServer((q, s) => s.end('ok')).listen(${PORT}, '127.0.0.1')`]
      : mode === 'tsx'
        ? ['--import', 'tsx', 'server.ts', '-p', String(PORT), '-H', '127.0.0.1']
        : [path.join(distDir, COMPILED_SERVER), '-p', String(PORT), '-H', '127.0.0.1'];
  // As an operator restarts it: no ADMIN_PASSWORD to check again, the keys in DATA_DIR.
  const { ADMIN_EMAIL: _email, ADMIN_PASSWORD: _password, AUTH_SECRET: _secret, ...env } = process.env;
  return spawn(process.execPath, args, {
    cwd: projectRoot,
    env: { ...env, NODE_ENV: 'production', DATA_DIR: dataDir },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

interface Figure {
  wall: number;
  cpu: number;
}

/**
 * A restart's first search (a different word each round), timed once the start-up is done: it finds the words
 * and the full-access audience's indexes the start-up prepared (lib/catalog/search-warm-up.ts; before it, the
 * first search tokenized every card); and a second search after it, for comparison.
 */
async function firstSearch(dataDir: string, round: number): Promise<{ first: Figure; second: Figure }> {
  const child = spawnServer('npm start', dataDir);
  try {
    await firstAnswer(`${URL_BASE}/login`, child);
    const cookie = await signIn(URL_BASE);
    await firstAnswer(`${URL_BASE}/`, child, { headers: { cookie } });
    await healthy(URL_BASE, child, { untilStartedUp: true, timeoutMs: 300_000 });
    const timed = async (q: string) => {
      const cpu = cpuMs(child.pid!);
      const begun = performance.now();
      await firstAnswer(`${URL_BASE}/?q=${q}`, child, { headers: { cookie } });
      return { wall: performance.now() - begun, cpu: cpuMs(child.pid!) - cpu };
    };
    return { first: await timed(VOCABULARY[round % VOCABULARY.length]), second: await timed(VOCABULARY[(round + 7) % VOCABULARY.length]) };
  } finally {
    child.kill('SIGTERM');
    await exited(child);
  }
}

/** One start: the time to the first `page` (and, with a cookie, the signed-in page after it), then a stop. */
async function startOnce(mode: Mode, dataDir: string, page: string, signedInPage?: string): Promise<{ first: Figure; signedIn?: Figure }> {
  const started = performance.now();
  const child = spawnServer(mode, dataDir);
  try {
    await firstAnswer(`${URL_BASE}${page}`, child);
    const first = { wall: performance.now() - started, cpu: cpuMs(child.pid!) };
    let signedIn: Figure | undefined;
    if (signedInPage) {
      const cookie = await signIn(URL_BASE);
      await firstAnswer(`${URL_BASE}${signedInPage}`, child, { headers: { cookie } });
      signedIn = { wall: performance.now() - started, cpu: cpuMs(child.pid!) };
    }
    return { first, signedIn };
  } finally {
    child.kill('SIGTERM');
    await exited(child);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (n: number) => `${Math.round(n).toLocaleString('en')} ms`;

/** One line of the printed tables: the median and range of the rounds' wall times, and their median CPU time. */
function tableRow(label: string, what: string, how: Mode, figures: Figure[]) {
  return {
    'restart of': label,
    'first page': what,
    how,
    'wall (median)': ms(median(figures.map((f) => f.wall))),
    'wall (min–max)': `${ms(Math.min(...figures.map((f) => f.wall)))}–${ms(Math.max(...figures.map((f) => f.wall)))}`,
    'server CPU (median)': ms(median(figures.map((f) => f.cpu))),
  };
}

async function measure(label: string, mode: Mode, dataDir: string, page: string, signedInPage?: string) {
  await startOnce(mode, dataDir, page, signedInPage); // a first start: creates what it must, warms the file cache
  const rounds = [];
  for (let i = 0; i < ROUNDS; i++) rounds.push(await startOnce(mode, dataDir, page, signedInPage));
  const rows = [tableRow(label, page, mode, rounds.map((r) => r.first))];
  if (signedInPage) rows.push(tableRow(label, `sign-in + ${signedInPage}`, mode, rounds.map((r) => r.signedIn!)));
  console.table(rows);
  return rows;
}

async function main() {
  if (!fs.existsSync(path.join(projectRoot, distDir, 'BUILD_ID'))) throw new Error(`No production build in ${distDir}: run \`npm run build\` first.`);
  await compileServer(projectRoot, distDir);
  const kept = process.env.BENCH_DATA_DIR;
  const catalog = kept ? path.resolve(kept) : fs.mkdtempSync(path.join(os.tmpdir(), 'appstore-bench-start-'));
  fs.mkdirSync(catalog, { recursive: true });
  if (!fs.existsSync(path.join(catalog, 'appstore.db'))) await seed(catalog);
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'appstore-bench-start-empty-'));
  console.log(`${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; ${ROUNDS} restarts each (after one start not counted)\n`);

  const rows = [
    ...(await measure('(trivial node HTTP server)', 'reference', empty, '/')),
    ...(await measure('an empty DATA_DIR', 'npm start', empty, '/login')),
    ...(await measure('an empty DATA_DIR', 'tsx', empty, '/login')),
    ...(await measure(`${NAMES.toLocaleString('en')} apps`, 'npm start', catalog, '/login', '/')),
    ...(await measure(`${NAMES.toLocaleString('en')} apps`, 'tsx', catalog, '/login', '/')),
  ];
  const searches = [];
  for (let i = 0; i < ROUNDS; i++) searches.push(await firstSearch(catalog, i));
  const apps = `${NAMES.toLocaleString('en')} apps`;
  const searchRows = [
    tableRow(apps, 'first search, after start-up', 'npm start', searches.map((s) => s.first)),
    tableRow(apps, 'the search after it', 'npm start', searches.map((s) => s.second)),
  ];
  console.table(searchRows);
  rows.push(...searchRows);
  console.log('\nAll of them:');
  console.table(rows);
  const cold = rows.find((r) => r.how === 'npm start' && r['first page'].startsWith('sign-in'))!;
  const coldMs = Number(cold['wall (median)'].replace(/[^\d]/g, ''));
  console.log(`\nissue 15/18 target: a restart serves its first page (signed in, the catalog at ${NAMES.toLocaleString('en')} apps) in < ${TARGET_MS / 1000} s: ${ms(coldMs)}, ${coldMs < TARGET_MS ? 'met' : 'NOT met'} (load average ${os.loadavg()[0].toFixed(1)} now).`);
  fs.rmSync(empty, { recursive: true, force: true });
  if (!kept) fs.rmSync(catalog, { recursive: true, force: true });
}

await main();
