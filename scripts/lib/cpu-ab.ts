// Two builds side by side on the same traffic at the same time (two copies of a seeded catalog), each server's CPU
// ms per request: on a shared machine both suffer the same contention, so the difference is the change's.
//   A=.next-bench B=.next-x BENCH_DATA_DIR=/tmp/seeded npx tsx scripts/lib/cpu-ab.ts
// (B_NODE_OPTIONS=… compares Node options on one build.)
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { serverCpuMs, startServer, type RunningServer } from './server';
import { signIn } from './catalog-seed';
import { appPages, catalogPages, searches } from './catalog-traffic';

const autocannon = createRequire(import.meta.url)('autocannon') as (o: object) => Promise<{ requests: { total: number } ; non2xx: number }>;

async function main() {
  const source = path.resolve(process.env.BENCH_DATA_DIR!);
  const builds = [process.env.A ?? '.next-bench', process.env.B ?? process.env.A ?? '.next-bench'];
  const dirs = builds.map((_, i) => {
    const dir = `${source}-ab${i}`;
    fs.rmSync(dir, { recursive: true, force: true });
    execFileSync('cp', ['-a', source, dir]);
    return dir;
  });
  const db = new Database(path.join(source, 'appstore.db'), { readonly: true });
  const names = (db.prepare("SELECT name FROM catalog_heads WHERE audience = 'shared' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  const categories = (db.prepare('SELECT name FROM tags WHERE is_category = 1 ORDER BY name').all() as { name: string }[]).map((r) => r.name);
  db.close();
  // The benchmark's traffic (catalog-traffic.ts), each server its own copy of the same sequence.
  const kinds: Record<string, () => () => string> = {
    'app pages': () => appPages(names),
    searches: () => searches(categories),
    'repeated app page': () => () => `/apps/${names[1234]}`,
    catalog: () => catalogPages(categories),
    help: () => () => '/help',
  };
  const servers: RunningServer[] = [];
  try {
    for (const [i, build] of builds.entries()) {
      process.env.NEXT_DIST_DIR = build;
      const nodeOptions = (i === 0 ? process.env.A_NODE_OPTIONS : process.env.B_NODE_OPTIONS) ?? '';
      servers.push(await startServer({ port: Number(process.env.PORT ?? 5300) + i, dataDir: dirs[i], capture: true, untilStartedUp: true, env: { NEXT_DIST_DIR: build, NODE_OPTIONS: nodeOptions } }));
    }
    // The storage check a minute after start-up takes seconds of CPU: measure after it.
    while (!servers.every((s) => s.output().includes('Storage check'))) await new Promise((r) => setTimeout(r, 500));
    const cookies = await Promise.all(servers.map((s) => signIn(s.url)));
    const totals = builds.map(() => new Map<string, number[]>());
    for (let round = 0; round < Number(process.env.ROUNDS ?? 2); round++) {
      for (const [kind, traffic] of Object.entries(kinds)) {
        if (process.env.KINDS && !process.env.KINDS.split(',').includes(kind)) continue;
        // Each server its own copy of the sequence: both are sent the same requests.
        const paths = servers.map(() => traffic());
        const run = (s: RunningServer, cookie: string, d: number) => {
          const pathOf = paths[servers.indexOf(s)];
          return autocannon({ url: s.url, connections: 8, duration: d, headers: { cookie }, requests: [{ setupRequest: (r: object) => ({ ...r, path: pathOf() }) }] });
        };
        await Promise.all(servers.map((s, i) => run(s, cookies[i], 2)));
        const before = servers.map((s) => serverCpuMs(s.pid));
        const results = await Promise.all(servers.map((s, i) => run(s, cookies[i], Number(process.env.DURATION ?? 6))));
        results.forEach((r, i) => {
          const perRequest = (serverCpuMs(servers[i].pid) - before[i]) / r.requests.total;
          totals[i].set(kind, [...(totals[i].get(kind) ?? []), perRequest]);
        });
      }
    }
    for (const kind of Object.keys(kinds)) {
      if (!totals[0].has(kind)) continue;
      const [a, b] = totals.map((t) => t.get(kind)!);
      const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
      console.log(`${kind.padEnd(18)} A ${a.map((x) => x.toFixed(2)).join(' ')}  B ${b.map((x) => x.toFixed(2)).join(' ')}  B/A ${(mean(b) / mean(a)).toFixed(3)}`);
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
