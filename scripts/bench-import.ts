// Benchmarks imports through the API against a production build: bundles of about 1 MB, 50 MB and
// 200 MB (mostly incompressible), each compared in the same run, on the same disk, with a durable copy of
// the same file (`dd conv=fsync` + `sha256sum`) and a plain one (`cp` + `sha256sum`), and the server's
// peak memory growth while importing. Targets (issue 15): the 200 MB import ≤ 1.3 × dd + sha256sum, the
// 1 MB import ≤ 50 ms, memory growth ≤ 64 MB at every size.
//
//   npm run build && npm run bench:import          (RUNS=3 by default; SIZES_MB=1,50,200)
import { execFileSync, execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import JSZip from 'jszip';
import { adminToken, projectRoot, rssBytes, startServer } from './lib/server';

const MiB = 1024 * 1024;
const SIZES_MB = (process.env.SIZES_MB ?? '1,50,200').split(',').map(Number);
const RUNS = Number(process.env.RUNS ?? 3);
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function makeBundle(dir: string, sizeMb: number): Promise<string> {
  const file = path.join(dir, `bench-${sizeMb}mb.wave`);
  const zip = new JSZip();
  zip.file('app.toml', `[App]\nName = "ai.bench.import${sizeMb}"\nVersion = "1.0.0"\nTitle = "Bench ${sizeMb} MB"\n\n[Runtime]\nModule = "app"\n`);
  zip.file('static/icon.png', PNG);
  zip.file('app.py', 'print("bench")\n');
  // Incompressible payload in 8 MiB pieces so that the generator never holds it all.
  const pieces = Math.max(1, Math.round((sizeMb * MiB) / (8 * MiB)));
  const pieceSize = Math.round((sizeMb * MiB) / pieces);
  for (let i = 0; i < pieces; i++) zip.file(`data/part${i}.bin`, randomBytes(pieceSize), { compression: 'STORE' });
  await pipeline(zip.generateNodeStream({ type: 'nodebuffer', streamFiles: true }) as Readable, fs.createWriteStream(file));
  return file;
}

/** A copy of `file` and its SHA-256: `cp` (left in the page cache) or `dd conv=fsync` (on the disk, as an import must be). */
function timeCopySha(file: string, dir: string, how: 'cp' | 'dd'): number {
  const copy = path.join(dir, 'copy.bin');
  const start = process.hrtime.bigint();
  if (how === 'cp') execFileSync('cp', [file, copy]);
  else execFileSync('dd', [`if=${file}`, `of=${copy}`, 'bs=1M', 'conv=fsync', 'status=none']);
  execFileSync('sha256sum', [copy], { stdio: 'ignore' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  fs.rmSync(copy);
  return ms;
}

async function importOnce(url: string, token: string, file: string, pid: number) {
  const baseline = rssBytes(pid);
  let peak = baseline;
  const sampler = setInterval(() => {
    try {
      peak = Math.max(peak, rssBytes(pid));
    } catch {
      // process gone
    }
  }, 10);
  const start = process.hrtime.bigint();
  const res = await fetch(`${url}/api/v1/apps`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream', 'Content-Length': String(fs.statSync(file).size) },
    body: Readable.toWeb(fs.createReadStream(file)) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  const body = (await res.json()) as { id?: string; error?: unknown };
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  clearInterval(sampler);
  peak = Math.max(peak, rssBytes(pid));
  if (res.status !== 201) throw new Error(`Import failed: HTTP ${res.status} ${JSON.stringify(body)}`);
  // Delete it again so the next run imports the same Name and Version.
  await fetch(`${url}/api/v1/apps/${body.id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
  return { ms, growth: peak - baseline };
}

async function main() {
  if (!fs.existsSync(path.join(projectRoot, process.env.NEXT_DIST_DIR || '.next', 'BUILD_ID'))) {
    console.log('No production build yet: running next build…');
    execSync('npx next build', { cwd: projectRoot, stdio: 'inherit' });
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-import-'));
  const dataDir = path.join(work, 'data');
  const server = await startServer({ port: Number(process.env.PORT ?? 3290), dataDir, env: { BUNDLE_MAX_BYTES: String(1024 * MiB) } });
  try {
    const token = await adminToken(server.url);
    const rows: string[][] = [];
    const targets: [string, string, boolean][] = [];
    for (const sizeMb of SIZES_MB) {
      const file = await makeBundle(work, sizeMb);
      const size = fs.statSync(file).size;
      await importOnce(server.url, token, file, server.pid); // warm-up: code paths, page cache
      const server_ms: number[] = [];
      const dd_ms: number[] = [];
      const cp_ms: number[] = [];
      const growth: number[] = [];
      // Alternating rounds, so a burst of other work on a shared machine falls on both sides.
      for (let i = 0; i < RUNS; i++) {
        dd_ms.push(timeCopySha(file, work, 'dd'));
        cp_ms.push(timeCopySha(file, work, 'cp'));
        const r = await importOnce(server.url, token, file, server.pid);
        server_ms.push(r.ms);
        growth.push(r.growth);
      }
      const s = median(server_ms);
      const dd = median(dd_ms);
      const cp = median(cp_ms);
      const peak = Math.max(...growth);
      rows.push([`${(size / MiB).toFixed(1)} MB`, `${s.toFixed(0)} ms`, `${dd.toFixed(0)} ms`, (s / dd).toFixed(2), `${cp.toFixed(0)} ms`, (s / cp).toFixed(2), `${(peak / MiB).toFixed(1)} MB`]);
      if (sizeMb >= 200) targets.push([`${sizeMb} MB import ≤ 1.3 × dd conv=fsync + sha256sum`, (s / dd).toFixed(2), s / dd <= 1.3]);
      if (sizeMb <= 1) targets.push([`${sizeMb} MB import ≤ 50 ms`, `${s.toFixed(0)} ms`, s <= 50]);
      targets.push([`${sizeMb} MB: memory growth ≤ 64 MB`, `${(peak / MiB).toFixed(1)} MB`, peak <= 64 * MiB]);
      fs.rmSync(file);
    }
    const header = ['bundle', 'server import', 'dd fsync + sha256sum', 'ratio', 'cp + sha256sum', 'ratio', 'peak RSS growth'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ');
    console.log(`\nImport through POST /api/v1/apps (median of ${RUNS} runs; growth = max over runs; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')})\n`);
    console.log(line(header));
    for (const r of rows) console.log(line(r));
    console.log('\nTargets (issue 15):');
    for (const [target, measured, ok] of targets) console.log(`  ${ok ? 'met    ' : 'NOT met'}  ${target}: ${measured}`);
  } finally {
    await server.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
