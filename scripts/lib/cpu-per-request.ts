// Server CPU ms per request for a few kinds of traffic on a seeded catalog (no profiler): a quick before/after
// for one change, between full `npm run bench:catalog` runs.
//   BENCH_DATA_DIR=/tmp/seeded NEXT_DIST_DIR=.next-bench npx tsx scripts/lib/cpu-per-request.ts
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startServer } from './server';
import { signIn } from './catalog-seed';

const autocannon = createRequire(import.meta.url)('autocannon') as (o: object) => Promise<{ requests: { total: number; average: number }; non2xx: number; errors: number }>;
const cpuMs = (pid: number) => {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
};

async function main() {
  process.env.NEXT_DIST_DIR ??= '.next-bench';
  const dataDir = path.resolve(process.env.BENCH_DATA_DIR!);
  const db = new Database(path.join(dataDir, 'appstore.db'), { readonly: true });
  const names = (db.prepare("SELECT name FROM catalog_heads WHERE audience = 'shared' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  const categories = (db.prepare('SELECT name FROM tags WHERE is_category = 1 ORDER BY name').all() as { name: string }[]).map((r) => r.name);
  db.close();
  let i = 0;
  const kinds: Record<string, () => string> = {
    'app pages': () => `/apps/${names[(i++ * 7919) % names.length]}`,
    catalog: () => (i++ % 2 ? '/' : `/?category=${categories[i % categories.length]}`),
    help: () => '/help',
  };
  const only = process.env.KINDS?.split(',');
  const server = await startServer({ port: Number(process.env.PORT ?? 5300), dataDir, capture: true, untilStartedUp: !!process.env.QUICK });
  try {
    const cookie = await signIn(server.url);
    // The storage check starts a minute after start-up and blocks the server: measure before it (QUICK=1, ≤ 3 × 10 s) or after it.
    if (!process.env.QUICK) while (!server.output().includes('Storage check')) await new Promise((r) => setTimeout(r, 500));
    for (const [kind, next] of Object.entries(kinds)) {
      if (only && !only.includes(kind)) continue;
      const run = (d: number) => autocannon({ url: server.url, connections: 16, duration: d, headers: { cookie }, requests: [{ setupRequest: (r: object) => ({ ...r, path: next() }) }] });
      await run(2);
      const before = cpuMs(server.pid);
      const r = await run(Number(process.env.DURATION ?? 8));
      console.log(`${kind.padEnd(10)} ${((cpuMs(server.pid) - before) / r.requests.total).toFixed(2)} CPU ms/req  ${Math.round(r.requests.average)} req/s  ${r.non2xx} non-2xx`);
    }
  } finally {
    await server.stop();
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
