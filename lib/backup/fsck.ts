// Checks that what DATA_DIR holds agrees with the database: SQLite's own integrity check, every stored
// file's sha256 against its content-addressed name, rows whose files are missing, and files no row
// references (removed with `repair`, the only thing it ever removes).
import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
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
  ok: boolean;
}

/** SQLite's own check of every page and index. */
export function integrityProblems(client: BetterSqlite3.Database): string[] {
  const rows = client.pragma('integrity_check') as { integrity_check: string }[];
  return rows.map((r) => r.integrity_check).filter((line) => line !== 'ok');
}

function storedFiles(kind: 'bundles' | 'assets'): string[] {
  const root = path.join(dataDir(), kind);
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root).flatMap((shard) => {
    const dir = path.join(root, shard);
    return fs.statSync(dir).isDirectory() ? fs.readdirSync(dir).map((name) => `${kind}/${shard}/${name}`) : [];
  });
}

const holder = globalThis as { __appstoreLastFsck?: { at: Date; report: FsckReport } };

/** The last check's report (this process: at start-up, weekly, or asked for), for the admin page. */
export function lastFsck(): { at: Date; report: FsckReport } | null {
  return holder.__appstoreLastFsck ?? null;
}

/** Runs a check now and then every `intervalMs` (a week by default), keeping the last report. */
export function scheduleFsck(intervalMs: number, firstAfterMs = 60_000): void {
  const run = () => void fsck().catch((error) => console.error('The storage check failed:', error));
  setTimeout(run, firstAfterMs).unref();
  setInterval(run, intervalMs).unref();
}

export function fsck(options: { repair?: boolean } = {}): Promise<FsckReport> {
  return withStorageLock(async () => {
    const client = getDb().$client;
    const database = integrityProblems(client);
    const needs = new Map<string, string[]>();
    const need = (file: string, app: string) => needs.set(file, [...(needs.get(file) ?? []), app]);
    for (const row of client.prepare('select name, version, bundle_sha256 as sha from apps').all() as { name: string; version: string; sha: string }[]) {
      need(`bundles/${row.sha.slice(0, 2)}/${row.sha}`, `${row.name} ${row.version}`);
    }
    for (const row of client.prepare('select a.name, a.version, s.sha256 as sha from app_assets s join apps a on a.id = s.app_id').all() as { name: string; version: string; sha: string }[]) {
      need(`assets/${row.sha.slice(0, 2)}/${row.sha}`, `${row.name} ${row.version}`);
    }
    const report: FsckReport = { database, corrupted: [], missing: [], orphans: [], removed: [], ok: true };
    const present = new Set<string>();
    for (const file of [...storedFiles('bundles'), ...storedFiles('assets')]) {
      present.add(file);
      if (!needs.has(file)) {
        report.orphans.push(file);
        continue;
      }
      const { sha256 } = await sha256File(path.join(dataDir(), file));
      if (sha256 !== path.basename(file)) report.corrupted.push({ file, sha256 });
    }
    for (const [file, apps] of needs) if (!present.has(file)) report.missing.push({ file, apps: [...new Set(apps)] });
    if (options.repair) {
      for (const file of report.orphans) {
        fs.rmSync(path.join(dataDir(), file), { force: true });
        report.removed.push(file);
      }
    }
    report.ok = database.length === 0 && report.corrupted.length === 0 && report.missing.length === 0 && report.orphans.length === report.removed.length;
    holder.__appstoreLastFsck = { at: new Date(), report };
    if (!report.ok) console.error(`Storage check: ${report.corrupted.length} corrupted, ${report.missing.length} missing, ${report.orphans.length - report.removed.length} orphan file(s), database: ${database.join('; ') || 'ok'}. See Admin → Storage.`);
    return report;
  });
}
