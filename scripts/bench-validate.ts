// Benchmarks the validation path against hostile bundles (zip bombs, gigabytes of zeros, 200,000 entries,
// overlapping entries): each must be answered in under 2 s with under 256 MB peak RSS.
//
//   npx tsx scripts/bench-validate.ts            runs `npm run --silent appstore -- validate --json FILE` per bundle
//   npx tsx scripts/bench-validate.ts --reader   runs only openBundle + readFile('app.toml') in the child
//   npx tsx scripts/bench-validate.ts --keep     leaves the generated bundles in the temporary folder
//   npx tsx scripts/bench-validate.ts --runs N   validates each bundle N times (default 3) and reports the median
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, open, readFile, rm, stat, type FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { bundleLimits } from '../lib/config';
import { formatBytes } from '../lib/bundle/errors';
import { centralRecord, endRecords, localHeader, resolveEntry, type RawEntry } from '../lib/bundle/testing/raw-zip';
import { openBundle } from '../lib/bundle/zip-reader';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const TARGET_SECONDS = 2;
const TARGET_RSS_BYTES = 256 * MiB;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const APP_TOML = '[App]\nName = "ai.h2o.bench"\nVersion = "1.0.0"\nTitle = "Bench"\n\n[Runtime]\nModule = "app"\n';

/** An archive entry whose bytes come from a buffer or, for the big ones, a file of deflated data. */
interface Part {
  entry: RawEntry;
  dataFile?: string;
}

/** Streams `total` bytes of `fill` through deflate into `file`, never holding more than one chunk. */
async function deflateToFile(file: string, fill: number, total: number) {
  const chunk = Buffer.alloc(MiB, fill);
  let crc = 0;
  async function* source() {
    for (let done = 0; done < total; done += chunk.length) {
      crc = zlib.crc32(chunk, crc);
      yield chunk;
    }
  }
  await pipeline(Readable.from(source()), zlib.createDeflateRaw({ level: 6 }), createWriteStream(file));
  return { crc32: crc, size: total, compressedSize: (await stat(file)).size };
}

/** Buffers small writes so a 200,000-entry archive is a few hundred system calls, not half a million. */
class ArchiveWriter {
  offset = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private constructor(private readonly handle: FileHandle) {}

  static async create(file: string) {
    return new ArchiveWriter(await open(file, 'w'));
  }

  async write(bytes: Buffer) {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    this.offset += bytes.length;
    if (this.pendingBytes >= 4 * MiB) await this.flush();
  }

  async flush() {
    await this.handle.write(Buffer.concat(this.pending));
    this.pending = [];
    this.pendingBytes = 0;
  }

  async close() {
    await this.flush();
    await this.handle.close();
  }
}

/**
 * Writes local sections for `parts`, then one central record per `records` item (each naming the part whose
 * local header it points at, optionally under another name), then the end record(s).
 */
async function writeArchive(
  file: string,
  parts: Part[],
  options: { records?: { of: number; name?: string }[]; zip64End?: boolean; entryCount?: number } = {},
) {
  const out = await ArchiveWriter.create(file);
  const offsets: number[] = [];
  for (const part of parts) {
    const e = resolveEntry(part.entry);
    offsets.push(out.offset);
    await out.write(localHeader(e));
    if (part.dataFile) {
      await out.flush();
      for await (const chunk of createReadStream(part.dataFile)) await out.write(chunk as Buffer);
    } else {
      await out.write(e.data);
    }
  }
  const centralDirectoryOffset = out.offset;
  const records: { of: number; name?: string }[] = options.records ?? parts.map((_, of) => ({ of }));
  for (const { of, name } of records) {
    await out.write(centralRecord(resolveEntry({ ...parts[of].entry, name: name ?? parts[of].entry.name }), offsets[of]));
  }
  await out.write(
    endRecords({
      entryCount: options.entryCount ?? records.length,
      centralDirectorySize: out.offset - centralDirectoryOffset,
      centralDirectoryOffset,
      zip64: options.zip64End,
    }),
  );
  await out.close();
}

const appToml: Part = { entry: { name: 'app.toml', content: APP_TOML, method: 8 } };
const icon: Part = { entry: { name: 'static/icon.png', content: Buffer.from('89504e470d0a1a0a', 'hex') } };
/** A deflated entry whose data is in `dataFile`; `declared` replaces the honest uncompressed size when given. */
const big = (name: string, deflated: { crc32: number; size: number; compressedSize: number }, dataFile: string, declared?: number): Part => ({
  entry: { name, method: 8, data: Buffer.alloc(0), crc32: deflated.crc32, size: declared ?? deflated.size, compressedSize: deflated.compressedSize },
  dataFile,
});
const tinyFiles = (n: number): Part[] => Array.from({ length: n }, (_, i) => ({ entry: { name: `src/f${String(i).padStart(6, '0')}.py` } }));

interface Case {
  label: string;
  file: string;
  build: () => Promise<void>;
}

function cases(dir: string): Case[] {
  const spaces = path.join(dir, 'spaces-1gib.deflate');
  const zeros = path.join(dir, 'zeros-3gib.deflate');
  let spacesInfo: Awaited<ReturnType<typeof deflateToFile>> | undefined;
  let zerosInfo: Awaited<ReturnType<typeof deflateToFile>> | undefined;
  const spacesData = async () => (spacesInfo ??= await deflateToFile(spaces, 0x20, GiB));
  const zerosData = async () => (zerosInfo ??= await deflateToFile(zeros, 0, 3 * GiB));
  const at = (name: string) => path.join(dir, name);
  return [
    { label: 'baseline: small valid bundle', file: at('baseline.wave'), build: () => writeArchive(at('baseline.wave'), [appToml, icon]) },
    {
      label: 'app.toml inflates to 1 GiB (honest size)',
      file: at('toml-bomb-honest.wave'),
      build: async () => writeArchive(at('toml-bomb-honest.wave'), [big('app.toml', await spacesData(), spaces)]),
    },
    {
      label: 'app.toml inflates to 1 GiB (declares 64 B)',
      file: at('toml-bomb-lying.wave'),
      build: async () => writeArchive(at('toml-bomb-lying.wave'), [big('app.toml', await spacesData(), spaces, 64)]),
    },
    {
      label: '3 GiB of zeros in one entry (honest)',
      file: at('zeros-honest.wave'),
      build: async () => writeArchive(at('zeros-honest.wave'), [appToml, big('data/zeros.bin', await zerosData(), zeros)]),
    },
    {
      label: '3 GiB of zeros in one entry (declares 1 MiB)',
      file: at('zeros-lying.wave'),
      build: async () => writeArchive(at('zeros-lying.wave'), [appToml, big('data/zeros.bin', await zerosData(), zeros, MiB)]),
    },
    {
      label: '200,000 entries (Zip64 end record)',
      file: at('entries-200k.wave'),
      build: () => writeArchive(at('entries-200k.wave'), [appToml, ...tinyFiles(199_999)], { zip64End: true }),
    },
    {
      label: '200,000 entries, end record says 3,392',
      file: at('entries-200k-wrapped.wave'),
      build: () => writeArchive(at('entries-200k-wrapped.wave'), [appToml, ...tinyFiles(199_999)], { entryCount: 200_000 % 65_536 }),
    },
    {
      label: '2,000 records share one 1 MiB kernel',
      file: at('overlap.wave'),
      build: () => {
        const zeros = Buffer.alloc(MiB);
        const data = zlib.deflateRawSync(zeros); // once: every record below reuses it
        const kernel: Part = { entry: { name: 'kernel.bin', data, method: 8, size: MiB, crc32: zlib.crc32(zeros) } };
        const records = [{ of: 0 }, ...Array.from({ length: 2000 }, (_, i) => ({ of: 1, name: `data/copy-${i}.bin` }))];
        return writeArchive(at('overlap.wave'), [appToml, kernel], { records });
      },
    },
  ];
}

interface Measurement {
  seconds: number;
  /** User + system CPU time of the child process tree: what the work costs when the machine is busy. */
  cpuSeconds: number | null;
  rssBytes: number | null;
  outcome: string;
}

const hasTime = existsSync('/usr/bin/time');

/** Runs `command` under /usr/bin/time (wall clock and peak RSS of the largest process in the tree). */
function measure(command: string, args: string[]): Promise<Measurement & { stdout: string }> {
  const started = process.hrtime.bigint();
  const [file, argv] = hasTime ? ['/usr/bin/time', ['-f', '@@time %e %M %U %S', command, ...args]] : [command, args];
  return new Promise((resolve) => {
    execFile(file, argv, { cwd: root, maxBuffer: 64 * MiB, timeout: 120_000 }, (error, stdout, stderr) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const timed = /@@time ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(stderr);
      const crashed = error && !stdout.trim() ? `crashed: ${stderr.split('\n').filter(Boolean).slice(-2).join(' ')}` : '';
      const cpuSeconds = timed ? Number(timed[3]) + Number(timed[4]) : null;
      resolve({ seconds, cpuSeconds, rssBytes: timed ? Number(timed[2]) * 1024 : null, outcome: crashed, stdout });
    });
  });
}

async function runCli(file: string): Promise<Measurement> {
  const m = await measure('npm', ['run', '--silent', 'appstore', '--', 'validate', '--json', file]);
  if (m.outcome) return m;
  try {
    const report = JSON.parse(m.stdout.trim().split('\n').pop()!) as { ok: boolean; errors: { message: string }[] };
    return { ...m, outcome: report.ok ? 'accepted' : `refused: ${report.errors[0]?.message ?? '?'}` };
  } catch {
    return { ...m, outcome: `unreadable output: ${m.stdout.slice(0, 80)}` };
  }
}

async function runReader(file: string): Promise<Measurement> {
  const m = await measure(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', file]);
  if (m.outcome) return m;
  const report = JSON.parse(m.stdout) as { outcome: string; maxRssBytes: number };
  return { ...m, outcome: report.outcome, rssBytes: m.rssBytes ?? report.maxRssBytes };
}

/** The reader alone, as the validator first uses it: open, read app.toml, close. */
async function readOnce(file: string): Promise<string> {
  let outcome = 'accepted';
  try {
    const bundle = await openBundle(file);
    try {
      await bundle.readFile('app.toml', bundleLimits().APP_TOML_MAX_BYTES);
    } finally {
      await bundle.close();
    }
  } catch (error) {
    outcome = `refused: ${(error as { code?: string }).code ?? ''} ${(error as Error).message}`;
  }
  return outcome;
}

async function child(file: string) {
  const outcome = await readOnce(file);
  process.stdout.write(JSON.stringify({ outcome, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
}

/** Milliseconds the reader itself takes in this process, without any start-up cost. */
async function readerMilliseconds(file: string): Promise<number> {
  const started = process.hrtime.bigint();
  await readOnce(file);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1]);
  const readerOnly = args.includes('--reader');
  const keep = args.includes('--keep');
  const runsAt = args.indexOf('--runs');
  const runCount = runsAt >= 0 ? Math.max(1, Number(args[runsAt + 1]) || 1) : 3;
  const cliReady = /\bvalidate\b/.test(await readFile(path.join(root, 'lib/cli/main.ts'), 'utf8'));
  const run = readerOnly || !cliReady ? runReader : runCli;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-validate-'));
  console.log(`Bundles in ${dir}; validating with ${run === runCli ? 'npm run --silent appstore -- validate --json' : 'openBundle + readFile(app.toml)'}.`);
  if (!hasTime) console.log('/usr/bin/time is missing: peak RSS is measured only in --reader mode.');
  const rows = [['bundle', 'archive', 'built', 'reader', 'wall', 'cpu', 'peak RSS', 'target', 'outcome']];
  let failures = 0;
  try {
    for (const c of cases(dir)) {
      const t = Date.now();
      await c.build();
      const built = `${((Date.now() - t) / 1000).toFixed(1)} s`;
      const runs: Measurement[] = [];
      for (let i = 0; i < runCount; i += 1) runs.push(await run(c.file));
      // The median wall time and the worst peak RSS: other work on the machine only ever slows a run down.
      const seconds = runs.map((r) => r.seconds).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
      const rssBytes = runs.some((r) => r.rssBytes === null) ? null : Math.max(...runs.map((r) => r.rssBytes!));
      const cpu = runs[0].cpuSeconds === null ? 'n/a' : `${Math.max(...runs.map((r) => r.cpuSeconds!)).toFixed(2)} s`;
      const reader = `${Math.round(await readerMilliseconds(c.file))} ms`;
      const m = { seconds, rssBytes, outcome: runs[0].outcome };
      const ok = m.seconds < TARGET_SECONDS && (m.rssBytes === null || m.rssBytes < TARGET_RSS_BYTES) && !m.outcome.startsWith('crashed');
      if (!ok) failures += 1;
      const rss = m.rssBytes === null ? 'n/a' : `${Math.round(m.rssBytes / MiB)} MB`;
      const outcome = m.outcome.length > 110 ? `${m.outcome.slice(0, 109)}…` : m.outcome;
      rows.push([c.label, formatBytes((await stat(c.file)).size), built, reader, `${m.seconds.toFixed(2)} s`, cpu, rss, ok ? 'ok' : 'MISSED', outcome]);
      if (!keep) await rm(c.file, { force: true });
    }
  } finally {
    if (!keep) await rm(dir, { recursive: true, force: true });
  }
  const load = os.loadavg()[0].toFixed(1);
  console.log(`\n${table(rows)}\n\nTargets: under ${TARGET_SECONDS} s and ${TARGET_RSS_BYTES / MiB} MB peak RSS per bundle; median of ${runCount} run(s).`);
  console.log(`reader: openBundle + readFile(app.toml) in this process; wall/cpu/peak RSS: the child, start-up included.`);
  console.log(`${os.cpus().length} CPUs, load average ${load}, Node ${process.version}.`);
  if (failures > 0) process.exitCode = 1;
}

await main();
