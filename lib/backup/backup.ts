// An online, consistent backup of DATA_DIR as a tar stream: the database through SQLite's online backup
// API, then every bundle and image the snapshot's rows reference, the generated keys, and last a manifest
// with counts and the sha256 of every file, hashed as the file streams (the first bytes leave at once,
// however large the store). Files are hard-linked (or, across file systems, copied) into a private folder
// under the storage lock, so a deletion or import running meanwhile can neither remove nor change what the
// archive will hold.
import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Database from 'better-sqlite3';
import { pack as tarPack } from 'tar-stream';
import { getDb } from '@/db';
import { config, dataDir } from '@/lib/config';
import { withStorageLock } from '@/lib/storage/lock';
import { assetPath, bundlePath } from '@/lib/storage/paths';
import { REFERENCED_BUNDLES_SQL } from '@/lib/storage/sweep';
import { FORMAT, MANIFEST_NAME, type BackupManifest } from './manifest';

interface Staged {
  dir: string;
  /** Everything but `files`, which is filled in as the files stream. */
  manifest: BackupManifest;
  /** Archive name → file in the staging folder, and its size. */
  entries: { name: string; file: string; size: number }[];
}

/** What the archive will hold, known before its first byte: for the client's progress. */
export interface BackupTotals {
  files: number;
  bytes: number;
}

/** For tests: runs under the storage lock, after the database snapshot and before its files are linked. */
export const backupTestHooks: { afterSnapshot?: () => Promise<void> | void } = {};

/** Where backups are staged: not under tmp/, whose sweeps would take hard links to old files for stale ones. */
const stagingRoot = () => path.join(dataDir(), 'backups', '.staging');

/** At start-up: staging folders of backups that were running when the portal stopped. */
export function removeStaleBackupStaging(): void {
  fs.rmSync(stagingRoot(), { recursive: true, force: true });
}

/**
 * A hard link: instant, and immune to a later unlink. When DATA_DIR/backups is another file system (EXDEV)
 * a copy, still under the storage lock, so that no deletion can come between.
 */
function linkOrCopy(from: string, to: string): void {
  try {
    fs.linkSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    fs.copyFileSync(from, to);
  }
}

async function stage(): Promise<Staged> {
  const dir = path.join(stagingRoot(), randomUUID());
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const entries: Staged['entries'] = [];
  const add = (name: string, file: string) => entries.push({ name, file, size: fs.statSync(file).size });
  const missingFromStorage: string[] = [];
  try {
    await withStorageLock(async () => {
      const dbCopy = path.join(dir, 'appstore.db');
      await getDb().$client.backup(dbCopy);
      add('appstore.db', dbCopy);
      const snapshot = new Database(dbCopy, { readonly: true });
      try {
        const shas = (sql: string) => (snapshot.prepare(sql).all() as { sha: string }[]).map((r) => r.sha);
        const lists = [
          ['bundles', shas(REFERENCED_BUNDLES_SQL), bundlePath],
          ['assets', shas('select distinct sha256 as sha from app_assets'), assetPath],
        ] as const;
        await backupTestHooks.afterSnapshot?.();
        for (const [kind, list, where] of lists) {
          for (const sha of list) {
            const name = `${kind}/${sha.slice(0, 2)}/${sha}`;
            const link = path.join(dir, name);
            fs.mkdirSync(path.dirname(link), { recursive: true });
            try {
              linkOrCopy(where(sha), link);
            } catch (error) {
              // Already gone before the backup (the storage check marks its version broken): said, not fatal.
              if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
              missingFromStorage.push(name);
              continue;
            }
            add(name, link);
          }
        }
      } finally {
        snapshot.close();
      }
    });
    const keysFromEnvironment: string[] = [];
    for (const [name, fromEnv, envName] of [
      ['secrets.key', !!config().secretsKey, 'SECRETS_KEY'],
      ['auth-secret', !!config().authSecret, 'AUTH_SECRET'],
    ] as const) {
      if (fromEnv) keysFromEnvironment.push(envName);
      const file = path.join(dataDir(), name);
      if (fs.existsSync(file)) {
        const copy = path.join(dir, name);
        fs.copyFileSync(file, copy);
        add(name, copy);
      }
    }
    const snapshot = new Database(path.join(dir, 'appstore.db'), { readonly: true });
    try {
      const count = (table: string) => (snapshot.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
      const manifest: BackupManifest = {
        format: FORMAT,
        createdAt: new Date().toISOString(),
        migrations: (snapshot.prepare('select hash from __drizzle_migrations order by created_at').all() as { hash: string }[]).map((r) => r.hash),
        counts: { apps: count('apps'), assets: count('app_assets'), secrets: count('secrets'), users: count('users'), instances: count('instances') },
        files: {},
        keysFromEnvironment,
        missingFromStorage,
        volumesNotIncluded: instanceVolumes(snapshot),
      };
      return { dir, manifest, entries };
    } finally {
      snapshot.close();
    }
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Instances of the snapshot that have a volume: volumes are not backed up (apps write them at any moment,
 * so no copy of a running one is consistent); the manifest names them so that the restore can say so.
 */
function instanceVolumes(snapshot: Database.Database): string[] {
  const root = path.join(config().runner.dir, 'volumes');
  if (!fs.existsSync(root)) return [];
  const ids = new Set((snapshot.prepare('select id from instances').all() as { id: string }[]).map((r) => r.id));
  return fs.readdirSync(root).filter((id) => ids.has(id));
}

/** Passes a file's bytes on, hashing them and counting them on the way. */
function hashing(onBytes: (n: number) => void): Transform & { digest(): { sha256: string; size: number } } {
  const hash = createHash('sha256');
  let size = 0;
  const t = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
  return Object.assign(t, { digest: () => ({ sha256: hash.digest('hex'), size }) });
}

/**
 * The backup as a tar stream: the files as they are read and hashed, then the manifest. The staging folder
 * is removed when the stream ends, fails or is abandoned by its reader. `totals` (known before the first
 * byte) are what the files add up to; `onProgress` is told each file once it is in the stream.
 */
export async function backupStream(
  onProgress?: (progress: { files: number; bytes: number; name: string }) => void,
): Promise<{ stream: Readable; totals: BackupTotals }> {
  const staged = await stage();
  const totals = { files: staged.entries.length, bytes: staged.entries.reduce((sum, e) => sum + e.size, 0) };
  const pack = tarPack();
  const out = new PassThrough();
  const cleanup = () => fs.rmSync(staged.dir, { recursive: true, force: true });
  (async () => {
    let files = 0;
    let bytes = 0;
    for (const { name, file, size } of staged.entries) {
      const entry = pack.entry({ name, size, mode: 0o600 });
      const hasher = hashing((n) => (bytes += n));
      await pipeline(fs.createReadStream(file), hasher, entry);
      staged.manifest.files[name] = hasher.digest();
      onProgress?.({ files: ++files, bytes, name });
    }
    const manifest = Buffer.from(JSON.stringify(staged.manifest, null, 2));
    pack.entry({ name: MANIFEST_NAME, size: manifest.length, mode: 0o600 }, manifest);
    pack.finalize();
  })().catch((error) => pack.destroy(error));
  pipeline(pack, out).then(cleanup, (error) => {
    cleanup();
    out.destroy(error);
  });
  out.on('close', cleanup);
  return { stream: out, totals };
}
