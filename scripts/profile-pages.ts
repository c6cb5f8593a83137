// Profiles the portal's server CPU under one kind of catalog traffic (the bench's traffic, scripts/bench-catalog.ts):
// starts a production build with `--cpu-prof` on a seeded catalog (BENCH_DATA_DIR, as left by `npm run bench:catalog`),
// drives it for DURATION seconds with autocannon, stops it and prints the top functions by self time.
//   BENCH_DATA_DIR=/tmp/seeded TRAFFIC=apps|searches|catalog|help|icons DURATION=15 npx tsx scripts/profile-pages.ts
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startServer } from './lib/server';
import { signIn } from './lib/catalog-seed';
import { appPages, catalogPages, searches } from './lib/catalog-traffic';
import { busyIn, summarize, type ProfileWindow } from './lib/cpu-profile';

const autocannon = createRequire(import.meta.url)('autocannon') as (o: object) => Promise<{ requests: { total: number; average: number } ; non2xx: number; errors: number }>;

async function main() {
  process.env.NEXT_DIST_DIR ??= '.next-bench';
  const dataDir = path.resolve(process.env.BENCH_DATA_DIR ?? '');
  if (!process.env.BENCH_DATA_DIR || !fs.existsSync(path.join(dataDir, 'appstore.db'))) throw new Error('Set BENCH_DATA_DIR to a catalog seeded by `npm run bench:catalog`.');
  const traffic = process.env.TRAFFIC ?? 'apps';
  const duration = Number(process.env.DURATION ?? 15);
  const profDir = path.resolve(process.env.PROFILE_DIR ?? `/tmp/portal-profile-${traffic}-${Date.now()}`);
  fs.mkdirSync(profDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'appstore.db'), { readonly: true });
  const names = (db.prepare("SELECT name FROM catalog_heads WHERE audience = 'shared' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  const categories = (db.prepare('SELECT name FROM tags WHERE is_category = 1 ORDER BY name').all() as { name: string }[]).map((r) => r.name);
  const icons = (db.prepare("SELECT app_id AS id FROM catalog_heads WHERE audience = 'shared' ORDER BY name").all() as { id: string }[]).map((r) => r.id);
  db.close();
  // The benchmark's own traffic (scripts/lib/catalog-traffic.ts), the same sequence every run.
  const next: Record<string, () => string> = {
    apps: appPages(names),
    searches: searches(categories),
    catalog: catalogPages(categories),
    help: () => '/help',
    // The icons of the cards a browser has not seen yet, each a different one.
    icons: (() => {
      let n = 0;
      return () => `/assets/${icons[(n++ * 7919) % icons.length]}/icon`;
    })(),
  };
  const port = Number(process.env.PORT ?? 5300);
  const window: ProfileWindow = {};
  const server = await startServer({ port, dataDir, capture: true, untilStartedUp: false, wrapper: ['sh', '-c', `exec "$0" --cpu-prof --cpu-prof-dir=${profDir} "$@"`] });
  try {
    const cookie = await signIn(server.url);
    process.stdout.write('Waiting for the start-up storage check …\n');
    while (!server.output().includes('Storage check')) await new Promise((r) => setTimeout(r, 500));
    const run = (d: number) => autocannon({ url: server.url, connections: 16, duration: d, headers: { cookie }, requests: [{ setupRequest: (r: object) => ({ ...r, path: next[traffic]() }) }] });
    await run(3);
    // The traffic's own window (a profile also holds the start-up, the warm-up and the shutdown).
    window.fromMonotonicUs = Number(process.hrtime.bigint() / 1000n);
    const result = await run(duration);
    window.toMonotonicUs = Number(process.hrtime.bigint() / 1000n);
    console.log(`${traffic}: ${result.requests.total} requests, ${Math.round(result.requests.average)} req/s, ${result.non2xx} non-2xx, ${result.errors} errors`);
  } finally {
    await server.stop();
  }
  // One profile per V8 isolate the profiled process ran (the primary's main thread and its worker threads; the
  // render worker writes none): the busiest in the window is summed.
  const files = fs.readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile')).map((f) => ({ file: path.join(profDir, f), busy: busyIn(path.join(profDir, f), window) }));
  files.sort((a, b) => b.busy - a.busy);
  for (const { file, busy } of files) console.log(`Profile ${file}: busy ${(busy / 1000).toFixed(0)} ms in the traffic's window`);
  console.log(summarize(files[0].file, Number(process.env.TOP ?? 40), window));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
