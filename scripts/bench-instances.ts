// Benchmarks running apps against a production build, side by side in one run:
//  1. Run → first proxied 200: POST /api/v1/instances, then GET the instance URL until it answers 200,
//     with the app version already prepared (its extracted bundle and venv are cached). Target < 2 s.
//  2. The router's overhead: autocannon (16 connections) on a small page of the app, directly on the port
//     the runner forwards to the sandbox and through the portal's router (BASE_URL, a PUBLIC instance),
//     alternating. Targets: router ≥ 80 % of direct throughput, p99 added < 5 ms.
//
//   npm run bench:instances                   builds into NEXT_DIST_DIR (default .next-bench), then measures
//   SKIP_BUILD=1 DURATION=5 RUNS=3 npm run bench:instances
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { instanceAppBundle } from '../e2e/instance-app';
import { adminToken, projectRoot, startServer } from './lib/server';

interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  errors: number;
  non2xx: number;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (options: { url: string; connections: number; duration: number }) => Promise<AutocannonResult>;

const PORT = Number(process.env.PORT ?? 3190);
const DURATION = Number(process.env.DURATION ?? 10);
const RUNS = Number(process.env.RUNS ?? 5);
const CONNECTIONS = 16;

process.env.NEXT_DIST_DIR ??= '.next-bench';
if (!process.env.SKIP_BUILD) execFileSync('npx', ['next', 'build'], { cwd: projectRoot, stdio: 'inherit', env: process.env });

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'appstore-bench-instances-'));
fs.chmodSync(dataDir, 0o711);
const server = await startServer({ port: PORT, dataDir, env: { PUBLIC_URL: `http://127.0.0.1:${PORT}`, APPS_DOMAIN: `localhost:${PORT}` } });
const auth = { Authorization: `Bearer ${await adminToken(server.url)}` };

async function api<T>(method: string, pathname: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.url}${pathname}`, {
    method,
    headers: { ...auth, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${await res.text()}`);
  return (res.status === 204 ? null : await res.json()) as T;
}

try {
  const imported = await fetch(`${server.url}/api/v1/apps?visibility=ALL_USERS`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/octet-stream' },
    body: new Uint8Array(await instanceAppBundle({ name: 'bench-probe' })),
  });
  const appId = ((await imported.json()) as { id: string }).id;

  async function runToFirst200(): Promise<{ id: string; ms: number }> {
    const started = performance.now();
    const { id } = await api<{ id: string }>('POST', '/api/v1/instances', { appId, visibility: 'PUBLIC' });
    for (;;) {
      const res = await fetch(`${server.url}/instance/${id}/headers`);
      await res.arrayBuffer();
      if (res.status === 200) return { id, ms: performance.now() - started };
      if (performance.now() - started > 120_000) throw new Error('the instance did not answer within 2 minutes');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  // The first run prepares the app version (extraction, venv); the timed ones reuse it.
  const first = await runToFirst200();
  await api('DELETE', `/api/v1/instances/${first.id}`);
  const startTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const run = await runToFirst200();
    startTimes.push(run.ms);
    await api('DELETE', `/api/v1/instances/${run.id}`);
  }

  const { id } = await runToFirst200();
  const logs = await (await fetch(`${server.url}/api/v1/instances/${id}/logs`, { headers: auth })).text();
  const forwarded = /Answering HTTP at (127\.0\.0\.1:\d+)/.exec(logs)?.[1];
  if (!forwarded) throw new Error('the runner log does not say where the instance is forwarded');
  const targets = { direct: `http://${forwarded}/instance/${id}/headers`, router: `${server.url}/instance/${id}/headers` };
  for (const url of Object.values(targets)) await autocannon({ url, connections: CONNECTIONS, duration: 2 });
  const results: Record<'direct' | 'router', AutocannonResult[]> = { direct: [], router: [] };
  for (let round = 0; round < 2; round++) {
    for (const kind of ['direct', 'router'] as const) results[kind].push(await autocannon({ url: targets[kind], connections: CONNECTIONS, duration: DURATION }));
  }
  const summary = (kind: 'direct' | 'router') => {
    const r = results[kind];
    return {
      rps: r.reduce((s, x) => s + x.requests.average, 0) / r.length,
      p50: r.reduce((s, x) => s + x.latency.p50, 0) / r.length,
      p99: r.reduce((s, x) => s + x.latency.p99, 0) / r.length,
      failures: r.reduce((s, x) => s + x.errors + x.non2xx, 0),
    };
  };
  const direct = summary('direct');
  const router = summary('router');
  const sorted = [...startTimes].sort((a, b) => a - b);

  console.log(`\nRun → first proxied 200 (prepared environment, ${RUNS} runs): median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms (target < 2000 ms)`);
  console.log(`\n${CONNECTIONS} connections, ${DURATION} s × 2 rounds each, GET a small JSON page of the app`);
  console.log('| path | req/s | p50 ms | p99 ms | failures |');
  console.log('|---|---|---|---|---|');
  for (const [label, s] of [['app directly (forwarded port)', direct], ['through the router', router]] as const) {
    console.log(`| ${label} | ${s.rps.toFixed(0)} | ${s.p50.toFixed(1)} | ${s.p99.toFixed(1)} | ${s.failures} |`);
  }
  console.log(`\nrouter throughput: ${((router.rps / direct.rps) * 100).toFixed(0)} % of direct (target ≥ 80 %); p99 added: ${(router.p99 - direct.p99).toFixed(1)} ms (target < 5 ms)`);
} finally {
  await server.kill();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
