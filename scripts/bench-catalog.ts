// Benchmarks the catalog against a production build: seeds 10,000 apps (30,000 versions, 50 tags)
// straight into a fresh DATA_DIR, signs in as a full-access user (session cookie: tags, categories
// and facets are only shown to full-access viewers, so public mode would skip the category filter),
// and runs autocannon (16 connections × 20 s) on `/`, a search for a common word, a category, a
// details page, and a static file of the same size as `/` served by the same server.
// Targets: p99 < 50 ms on every catalog page; catalog throughput ≥ half the static page's.
//
//   npm run bench:catalog                  builds into NEXT_DIST_DIR (default .next-bench), then measures
//   SKIP_BUILD=1 DURATION=5 npm run bench:catalog
//   CATALOG_CACHE=off npm run bench:catalog   the queries without the catalog's result cache
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot, startServer } from './lib/server';
import { COMMON_WORD, NAMES, SEEDED, TAGS, VERSIONS_PER_NAME, seed, signIn } from './lib/catalog-seed';

/** The part of autocannon's API used here (the package ships no types). */
interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (options: {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
}) => Promise<AutocannonResult>;

const CONNECTIONS = 16;
const DURATION = Number(process.env.DURATION ?? 20);
const PORT = Number(process.env.PORT ?? 3290);
const STATIC_FILE = path.join(projectRoot, 'public', '__bench-static.html');

interface Figures {
  label: string;
  path: string;
  bytes: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function measure(url: string, label: string, pathname: string, cookie: string): Promise<Figures> {
  const headers = { cookie };
  const check = await fetch(url + pathname, { headers, redirect: 'manual' });
  const body = await check.text();
  if (check.status !== 200) throw new Error(`${pathname} answered ${check.status}`);
  await autocannon({ url: url + pathname, connections: CONNECTIONS, duration: 2, headers }); // warm-up
  const result = await autocannon({ url: url + pathname, connections: CONNECTIONS, duration: DURATION, headers });
  return {
    label,
    path: pathname,
    bytes: Buffer.byteLength(body),
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

async function main() {
  process.env.NEXT_DIST_DIR ??= '.next-bench';
  if (!process.env.SKIP_BUILD) {
    console.log(`Building into ${process.env.NEXT_DIST_DIR} …`);
    execFileSync(process.execPath, [path.join(projectRoot, 'node_modules/next/dist/bin/next'), 'build'], { cwd: projectRoot, stdio: 'ignore', env: process.env });
  }
  // BENCH_DATA_DIR keeps a seeded catalog between runs (seeded on first use, never deleted).
  const kept = process.env.BENCH_DATA_DIR;
  const dataDir = kept ? path.resolve(kept) : fs.mkdtempSync(path.join(os.tmpdir(), 'appstore-bench-catalog-'));
  fs.mkdirSync(dataDir, { recursive: true });
  const { categoryName, detailsName } = kept && fs.existsSync(path.join(dataDir, 'appstore.db')) ? SEEDED : seed(dataDir);
  const cache = process.env.CATALOG_CACHE === 'off' ? 'off' : 'on';
  // The static page is written before the server starts and removed afterwards.
  fs.mkdirSync(path.dirname(STATIC_FILE), { recursive: true }); // public/ is not in the repository
  fs.writeFileSync(STATIC_FILE, '<!doctype html><title>placeholder</title>');
  const server = await startServer({ port: PORT, dataDir, env: { CATALOG_CACHE: cache } });
  try {
    const cookie = await signIn(server.url);
    const home = await (await fetch(`${server.url}/`, { headers: { cookie } })).text();
    if (!home.includes('data-testid="app-card"')) throw new Error('The signed-in catalog shows no cards.');
    fs.writeFileSync(STATIC_FILE, home); // a static page of the same size as the catalog
    const targets: [string, string][] = [
      ['catalog', '/'],
      ['search', `/?q=${COMMON_WORD}`],
      ['category', `/?category=${categoryName}`],
      ['details', `/apps/${detailsName}`],
      ['static', '/__bench-static.html'],
    ];
    const rows: Figures[] = [];
    for (const [label, pathname] of targets) {
      process.stdout.write(`Measuring ${label} (${pathname}) …\n`);
      rows.push(await measure(server.url, label, pathname, cookie));
    }
    const staticRps = rows.find((r) => r.label === 'static')!.rps;
    console.log(`\nCatalog benchmark: ${NAMES} apps, ${NAMES * VERSIONS_PER_NAME} versions, ${TAGS} tags; ${CONNECTIONS} connections × ${DURATION} s; catalog cache ${cache}; signed in as a full-access user.`);
    console.table(
      rows.map((r) => ({
        page: r.label,
        path: r.path,
        'KiB': +(r.bytes / 1024).toFixed(1),
        'req/s': Math.round(r.rps),
        'p50 ms': r.p50,
        'p99 ms': r.p99,
        'vs static': r.label === 'static' ? '' : `${((r.rps / staticRps) * 100).toFixed(0)}%`,
        errors: r.errors,
      })),
    );
    const failing = rows.filter((r) => r.label !== 'static' && (r.p99 >= 50 || r.rps < staticRps / 2 || r.errors > 0));
    console.log(
      failing.length === 0
        ? 'Targets met: p99 < 50 ms and throughput ≥ 50% of the static page on every catalog page.'
        : `Targets missed on: ${failing.map((r) => r.label).join(', ')} (p99 < 50 ms, ≥ 50% of static throughput, no errors).`,
    );
  } finally {
    await server.stop();
    fs.rmSync(STATIC_FILE, { force: true });
    if (!kept) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
