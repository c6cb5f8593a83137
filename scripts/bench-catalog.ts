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
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrateDb } from '../db/migrate';
import { versionKey } from '../lib/catalog/version-order';
import { projectRoot, startServer } from './lib/server';

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

const NAMES = 10_000;
const VERSIONS_PER_NAME = 3;
const TAGS = 50;
const CATEGORIES = 12;
const CONNECTIONS = 16;
const DURATION = Number(process.env.DURATION ?? 20);
const PORT = Number(process.env.PORT ?? 3290);
const COMMON_WORD = 'forecast';
const USER = { email: 'bench-user@bench.test', password: 'bench-user-password-1' };
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const STATIC_FILE = path.join(projectRoot, 'public', '__bench-static.html');

const VOCABULARY = (
  'model data analysis vision language churn fraud credit risk score pipeline dashboard explore predict time series ' +
  'anomaly detection document image text speech audio chat agent retrieval search rank recommend cluster segment ' +
  'classify regression survival insurance retail energy health supply chain demand inventory pricing marketing ' +
  'customer employee finance ledger audit quality sensor maintenance weather satellite geospatial graph network'
).split(' ');

/** Deterministic pseudo-random numbers, so every run seeds the same catalog. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const SEEDED = { categoryName: `category-${VOCABULARY[0]}`, detailsName: 'ai.bench.app01234' };

function seed(dataDir: string): { categoryName: string; detailsName: string } {
  const started = Date.now();
  const sqlite = new Database(path.join(dataDir, 'appstore.db'));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  migrateDb(drizzle(sqlite));
  const random = rng(42);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const words = (n: number) => Array.from({ length: n }, () => pick(VOCABULARY)).join(' ');

  const sha = 'f'.repeat(64);
  fs.mkdirSync(path.join(dataDir, 'assets', sha.slice(0, 2)), { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'assets', sha.slice(0, 2), sha), PNG);

  const insertUser = sqlite.prepare('INSERT INTO users (id, email, name, password_hash) VALUES (?, ?, ?, ?)');
  const insertName = sqlite.prepare('INSERT INTO app_names (name, owner_id) VALUES (?, ?)');
  const insertTag = sqlite.prepare('INSERT INTO tags (id, name, title, color, is_category) VALUES (?, ?, ?, ?, ?)');
  const insertApp = sqlite.prepare(`INSERT INTO apps (id, name, version, version_key, owner_id, visibility, kind, title, description,
    long_description, instance_lifecycle, runtime_version, runtime, env, files, link_address, bundle_sha256, bundle_size, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', '[]', ?, ?, ?, ?)`);
  const insertAppTag = sqlite.prepare('INSERT INTO app_tags (app_id, tag_id) VALUES (?, ?)');
  const insertAsset = sqlite.prepare("INSERT INTO app_assets (app_id, kind, position, sha256, content_type, size) VALUES (?, ?, ?, ?, 'image/png', ?)");
  const runtime = JSON.stringify({
    module: 'app.main', runtimeVersion: 'deb11_py310_wlatest', volumeMount: null, volumeSize: null, resourceVolumeSize: null,
    memoryLimit: '2Gi', memoryReservation: '512Mi', cpuLimit: '2', cpuReservation: '500m', gpuCount: 0, gpuType: null,
    enableOIDC: false, enableSHM: false, routingMode: 'DOMAIN', appMode: 'wave', port: null, customImage: null, appArgs: [], appEntryPoint: [],
  });

  let categoryName = '';
  let detailsName = '';
  sqlite.transaction(() => {
    const owners = Array.from({ length: 20 }, (_, i) => {
      const id = randomUUID();
      insertUser.run(id, `owner${i}@bench.test`, `Owner ${i}`, null);
      return id;
    });
    insertUser.run(randomUUID(), USER.email, 'Bench user', bcrypt.hashSync(USER.password, 10));
    const tagIds = Array.from({ length: TAGS }, (_, i) => {
      const id = randomUUID();
      const isCategory = i < CATEGORIES;
      const name = isCategory ? `category-${VOCABULARY[i]}` : `badge-${i}`;
      if (i === 0) categoryName = name; // SEEDED.categoryName
      insertTag.run(id, name, isCategory ? `${VOCABULARY[i][0].toUpperCase()}${VOCABULARY[i].slice(1)}` : `Badge ${i}`, '#1d4ed8', isCategory ? 1 : 0);
      return id;
    });
    const now = Date.now();
    for (let n = 0; n < NAMES; n++) {
      const name = `ai.bench.app${String(n).padStart(5, '0')}`;
      if (n === 1234) detailsName = name; // SEEDED.detailsName
      const owner = pick(owners);
      insertName.run(name, owner);
      const appTagIds = [...new Set([pick(tagIds.slice(0, CATEGORIES)), pick(tagIds), pick(tagIds)])];
      for (let v = 0; v < VERSIONS_PER_NAME; v++) {
        const version = v === 1 ? `1.${v}.0-rc.1` : `1.${v}.0`;
        const r = random();
        const visibility = r < 0.1 ? 'PRIVATE' : 'ALL_USERS';
        const id = randomUUID();
        const title = `${words(2)} ${n}`.replace(/^./, (c) => c.toUpperCase());
        // About one app in four mentions the common word in its long description.
        const long = `### Features\n\n* ${words(12)}\n* ${words(12)}\n\n${words(40)}${random() < 0.25 ? ` ${COMMON_WORD}` : ''}\n`;
        insertApp.run(id, name, version, versionKey(version), owner, visibility, 'wave', title, words(10), long, 'ON_DEMAND',
          'deb11_py310_wlatest', runtime, null, sha, 1000, now - (NAMES - n) * 60_000 - v * 1000);
        for (const tagId of appTagIds) insertAppTag.run(id, tagId);
        insertAsset.run(id, 'icon', 0, sha, PNG.length);
      }
    }
  })();
  const counts = sqlite.prepare("SELECT (SELECT count(*) FROM apps) AS apps, (SELECT count(DISTINCT name) FROM apps) AS names, (SELECT count(*) FROM tags) AS tags").get();
  sqlite.close();
  console.log(`Seeded ${JSON.stringify(counts)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { categoryName, detailsName };
}

async function signIn(url: string): Promise<string> {
  const csrf = await fetch(`${url}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookies = csrf.headers.getSetCookie().map((c) => c.split(';')[0]);
  const res = await fetch(`${url}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookies.join('; ') },
    body: new URLSearchParams({ csrfToken, email: USER.email, password: USER.password, callbackUrl: url }),
  });
  const session = res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('authjs.session-token='));
  if (!session) throw new Error(`Sign-in failed: HTTP ${res.status}`);
  return session;
}

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
