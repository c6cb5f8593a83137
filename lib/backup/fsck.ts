// Checks that what DATA_DIR holds agrees with the database: SQLite's own integrity check, every stored
// file's sha256 against its content-addressed name, rows whose files are missing, and files no row
// references (removed with `repair`, the only thing it ever removes).
import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import { getDb } from '@/db';
import { dataDir } from '@/lib/config';
import { withStorageLock } from '@/lib/storage/lock';
import { sha256File } from './manifest';

export interface FsckReport {
  /** `PRAGMA integrity_check`'s findings; empty when the database is sound. */
  database: string[];
  /** Files whose bytes no longer match their name. */
  corrupted: { file: string; sha256: string }[];
  /** Files rows need that are gone, with the app versions that need them. */
  missing: { file: string; apps: string[] }[];
  /** Files no row references. */
  orphans: string[];
  /** Orphans removed (repair only). */
  removed: string[];
  /** The app versions now marked broken (their files missing or corrupted); every other version's mark is cleared. */
  broken: { id: string; name: string; version: string }[];
  ok: boolean;
}

/** SQLite's own check of every page and index. */
export function integrityProblems(client: BetterSqlite3.Database): string[] {
  const rows = client.pragma('integrity_check') as { integrity_check: string }[];
  return rows.map((r) => r.integrity_check).filter((line) => line !== 'ok');
}

// Plain CommonJS run by the worker: better-sqlite3 resolved from the portal's folder, as the server does. On
// Linux the worker first lowers its own thread's priority (the nice value is per thread there; elsewhere
// setPriority would change the whole process): the check is background work, and on a busy machine it must
// not take the CPU from the pages being served, above all a restart's first ones (issue 15: cold start).
const INTEGRITY_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const os = require('node:os');
if (process.platform === 'linux') {
  try { os.setPriority(19); } catch {}
}
const Database = require(require.resolve('better-sqlite3', { paths: [workerData.cwd] }));
let db;
let problems;
try {
  db = new Database(workerData.file, { readonly: true, fileMustExist: true });
  const rows = db.pragma(workerData.check);
  problems = rows.map((r) => r[workerData.check]).filter((line) => line !== 'ok');
} catch (error) {
  problems = ['the database could not be read: ' + (error && error.message)];
} finally {
  if (db) db.close();
}
parentPort.postMessage({ problems, priority: process.platform === 'linux' ? os.getPriority() : null });`;

/**
 * The same check on its own read-only connection in a worker thread: on a large database it takes seconds
 * (3.7 s at 10,000 apps), which on the server's connection would stop every request meanwhile. WAL mode
 * lets it read a consistent snapshot while the portal writes. `quick_check` does less (it does not compare
 * indexes with their tables) and still finds damaged pages.
 */
export async function integrityProblemsOffThread(file: string, check: 'integrity_check' | 'quick_check' = 'integrity_check'): Promise<string[]> {
  return (await integrityCheckOffThread(file, check)).problems;
}

/** integrityProblemsOffThread, with the worker thread's priority (its nice value on Linux, else null). */
export function integrityCheckOffThread(file: string, check: 'integrity_check' | 'quick_check'): Promise<{ problems: string[]; priority: number | null }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(INTEGRITY_WORKER, { eval: true, workerData: { file, check, cwd: process.cwd() } });
    let answered = false;
    worker.once('message', (answer: { problems: string[]; priority: number | null }) => {
      answered = true;
      resolve(answer);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`the database check's worker ended (${code}) without an answer`));
    });
  });
}

function storedFiles(kind: 'bundles' | 'assets'): string[] {
  const root = path.join(dataDir(), kind);
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root).flatMap((shard) => {
    const dir = path.join(root, shard);
    return fs.statSync(dir).isDirectory() ? fs.readdirSync(dir).map((name) => `${kind}/${shard}/${name}`) : [];
  });
}

/** The last check's report, kept across restarts (the weekly check may be days away). */
const reportFile = () => path.join(dataDir(), 'storage-check.json');
const holder = globalThis as { __appstoreLastFsck?: { dir: string; at: Date; report: FsckReport } };

function remember(at: Date, report: FsckReport): void {
  holder.__appstoreLastFsck = { dir: dataDir(), at, report };
  const file = reportFile();
  try {
    fs.writeFileSync(`${file}.tmp`, JSON.stringify({ at: at.toISOString(), report }), { mode: 0o600 });
    fs.renameSync(`${file}.tmp`, file);
  } catch (error) {
    console.error(`The storage check's report could not be kept in ${file}:`, error);
  }
}

/** The last check's report (at start-up, weekly, or asked for; also one from before a restart), for the admin page. */
export function lastFsck(): { at: Date; report: FsckReport } | null {
  const held = holder.__appstoreLastFsck;
  if (held && held.dir === dataDir()) return { at: held.at, report: held.report };
  try {
    const saved = JSON.parse(fs.readFileSync(reportFile(), 'utf8')) as { at: string; report: FsckReport };
    const at = new Date(saved.at);
    if (Number.isNaN(at.getTime()) || !Array.isArray(saved.report?.database)) return null;
    holder.__appstoreLastFsck = { dir: dataDir(), at, report: saved.report };
    return { at, report: saved.report };
  } catch {
    return null; // no check yet (or an unreadable report: the next check writes a new one)
  }
}

/** Runs a check now and then every `intervalMs` (a week by default), keeping the last report. */
export function scheduleFsck(intervalMs: number, firstAfterMs = 60_000): void {
  const run = () => void fsck().catch((error) => console.error('The storage check failed:', error));
  setTimeout(run, firstAfterMs).unref();
  setInterval(run, intervalMs).unref();
}

interface Need {
  /** The app versions (`Name Version`) that need the file. */
  apps: string[];
  /** Ids of the app version rows that need it (deleted versions' instances have none). */
  appIds: string[];
  kind: 'bundle' | 'image';
}

/** Which files the rows need: every version's bundle and images, and the bundles of deleted versions still running. */
function neededFiles(client: BetterSqlite3.Database): Map<string, Need> {
  const needs = new Map<string, Need>();
  const need = (file: string, kind: Need['kind'], app: string, appId: string | null) => {
    const entry = needs.get(file) ?? { apps: [], appIds: [], kind };
    entry.apps.push(app);
    if (appId) entry.appIds.push(appId);
    needs.set(file, entry);
  };
  const at = (kind: 'bundles' | 'assets', sha: string) => `${kind}/${sha.slice(0, 2)}/${sha}`;
  for (const row of client.prepare('select id, name, version, bundle_sha256 as sha from apps').all() as { id: string; name: string; version: string; sha: string }[]) {
    need(at('bundles', row.sha), 'bundle', `${row.name} ${row.version}`, row.id);
  }
  const retired = client
    .prepare(
      `select i.id, json_extract(i.app_snapshot, '$.name') as name, json_extract(i.app_snapshot, '$.version') as version,
              json_extract(i.app_snapshot, '$.bundleSha256') as sha from instances i where i.app_snapshot is not null`,
    )
    .all() as { id: string; name: string; version: string; sha: string }[];
  for (const row of retired) need(at('bundles', row.sha), 'bundle', `${row.name} ${row.version} (deleted; instance ${row.id})`, null);
  for (const row of client.prepare('select a.id, a.name, a.version, s.sha256 as sha from app_assets s join apps a on a.id = s.app_id').all() as { id: string; name: string; version: string; sha: string }[]) {
    need(at('assets', row.sha), 'image', `${row.name} ${row.version}`, row.id);
  }
  return needs;
}

/**
 * Marks the app versions whose files are missing or corrupted as broken (saying which), and clears the mark
 * of every other version: a check that finds the files again repairs it. One transaction.
 */
function markBrokenVersions(client: BetterSqlite3.Database, needs: Map<string, Need>, report: FsckReport, at: Date): void {
  const problems = new Map<string, string[]>();
  const add = (file: string, what: string) => {
    const need = needs.get(file)!;
    for (const id of new Set(need.appIds)) problems.set(id, [...(problems.get(id) ?? []), `its ${need.kind} ${what} (${file})`]);
  };
  for (const m of report.missing) add(m.file, 'is missing');
  for (const c of report.corrupted) add(c.file, 'is corrupted');
  const set = client.prepare('update apps set broken_reason = ? where id = ?');
  const clear = client.prepare('update apps set broken_reason = null where broken_reason is not null and id not in (select value from json_each(?))');
  const when = at.toISOString().slice(0, 16).replace('T', ' ');
  client.transaction(() => {
    for (const [id, list] of problems) {
      const reason = `The storage check on ${when} UTC found that ${[...new Set(list)].join('; ')}.`;
      set.run(reason, id);
    }
    clear.run(JSON.stringify([...problems.keys()]));
  })();
  const ids = [...problems.keys()];
  report.broken = ids.length
    ? (client.prepare('select id, name, version from apps where id in (select value from json_each(?)) order by name, version').all(JSON.stringify(ids)) as FsckReport['broken'])
    : [];
}

export function fsck(options: { repair?: boolean } = {}): Promise<FsckReport> {
  return withStorageLock(async () => {
    const client = getDb().$client;
    const database = await integrityProblemsOffThread(client.name);
    // A damaged page makes the queries themselves fail (SQLITE_CORRUPT): that is a finding, not a crash.
    let needs: Map<string, Need> | null = null;
    try {
      needs = neededFiles(client);
    } catch (error) {
      database.push(
        `the rows could not be read (${(error as Error).message}): every stored file was checked against its name only; missing and unreferenced files are not known`,
      );
    }
    const report: FsckReport = { database, corrupted: [], missing: [], orphans: [], removed: [], broken: [], ok: true };
    const present = new Set<string>();
    for (const file of [...storedFiles('bundles'), ...storedFiles('assets')]) {
      present.add(file);
      if (needs && !needs.has(file)) {
        report.orphans.push(file);
        continue;
      }
      let sha256: string;
      try {
        ({ sha256 } = await sha256File(path.join(dataDir(), file)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        // Gone since the listing (removed by a delete meanwhile, or a dangling link): not present.
        present.delete(file);
        continue;
      }
      if (sha256 !== path.basename(file)) report.corrupted.push({ file, sha256 });
    }
    if (needs) for (const [file, need] of needs) if (!present.has(file)) report.missing.push({ file, apps: [...new Set(need.apps)] });
    if (needs && database.length === 0) markBrokenVersions(client, needs, report, new Date());
    if (options.repair) {
      // Rows a damaged database cannot show may still need a file: nothing is removed until it is sound.
      if (database.length > 0) database.push('nothing was removed (repair): the database must be sound first (restore it from a backup)');
      else {
        for (const file of report.orphans) {
          fs.rmSync(path.join(dataDir(), file), { force: true });
          report.removed.push(file);
        }
      }
    }
    report.ok = database.length === 0 && report.corrupted.length === 0 && report.missing.length === 0 && report.orphans.length === report.removed.length;
    remember(new Date(), report);
    if (!report.ok) console.error(`Storage check: ${report.corrupted.length} corrupted, ${report.missing.length} missing, ${report.orphans.length - report.removed.length} orphan file(s), database: ${database.join('; ') || 'ok'}. See Admin → Storage.`);
    return report;
  });
}
