// An online, consistent backup of DATA_DIR as a tar stream: the database through SQLite's online backup
// API, then every bundle and image the snapshot's rows reference, the generated keys, and a manifest with
// counts and the sha256 of every file. Files are hard-linked into a private folder under the storage lock,
// so a deletion or import running meanwhile can neither remove nor change what the archive will hold.
import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Database from 'better-sqlite3';
import { pack as tarPack } from 'tar-stream';
import { getDb } from '@/db';
import { config, dataDir } from '@/lib/config';
import { withStorageLock } from '@/lib/storage/lock';
import { assetPath, bundlePath } from '@/lib/storage/paths';
import { REFERENCED_BUNDLES_SQL } from '@/lib/storage/sweep';
import { FORMAT, MANIFEST_NAME, sha256File, type BackupManifest } from './manifest';

interface Staged {
  dir: string;
  manifest: BackupManifest;
  /** Archive name → file in the staging folder. */
  entries: [string, string][];
}

/** Where backups are staged: not under tmp/, whose sweeps would take hard links to old files for stale ones. */
const stagingRoot = () => path.join(dataDir(), 'backups', '.staging');

/** At start-up: staging folders of backups that were running when the portal stopped. */
export function removeStaleBackupStaging(): void {
  fs.rmSync(stagingRoot(), { recursive: true, force: true });
}

async function stage(): Promise<Staged> {
  const dir = path.join(stagingRoot(), randomUUID());
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const entries: [string, string][] = [];
  const missingFromStorage: string[] = [];
  try {
    await withStorageLock(async () => {
      const dbCopy = path.join(dir, 'appstore.db');
      await getDb().$client.backup(dbCopy);
      entries.push(['appstore.db', dbCopy]);
      const snapshot = new Database(dbCopy, { readonly: true });
      try {
        const shas = (sql: string) => (snapshot.prepare(sql).all() as { sha: string }[]).map((r) => r.sha);
        for (const [kind, list, where] of [
          ['bundles', shas(REFERENCED_BUNDLES_SQL), bundlePath],
          ['assets', shas('select distinct sha256 as sha from app_assets'), assetPath],
        ] as const) {
          for (const sha of list) {
            const name = `${kind}/${sha.slice(0, 2)}/${sha}`;
            const link = path.join(dir, name);
            fs.mkdirSync(path.dirname(link), { recursive: true });
            try {
              fs.linkSync(where(sha), link); // same file system: instant, and immune to a later unlink
            } catch (error) {
              // Already gone before the backup (the storage check marks its version broken): said, not fatal.
              if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
              missingFromStorage.push(name);
              continue;
            }
            entries.push([name, link]);
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
        entries.push([name, copy]);
      }
    }
    const snapshot = new Database(path.join(dir, 'appstore.db'), { readonly: true });
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
    snapshot.close();
    for (const [name, file] of entries) manifest.files[name] = await sha256File(file);
    return { dir, manifest, entries };
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

/**
 * The backup as a tar stream (manifest first). The staging folder is removed when the stream ends, fails
 * or is abandoned by its reader. `onProgress` is told each file as it is written.
 */
export async function backupStream(onProgress?: (done: number, total: number, name: string) => void): Promise<Readable> {
  const staged = await stage();
  const pack = tarPack();
  const out = new PassThrough();
  const cleanup = () => fs.rmSync(staged.dir, { recursive: true, force: true });
  (async () => {
    const manifest = Buffer.from(JSON.stringify(staged.manifest, null, 2));
    pack.entry({ name: MANIFEST_NAME, size: manifest.length, mode: 0o600 }, manifest);
    let done = 0;
    for (const [name, file] of staged.entries) {
      const entry = pack.entry({ name, size: staged.manifest.files[name].size, mode: 0o600 });
      await pipeline(fs.createReadStream(file), entry);
      onProgress?.(++done, staged.entries.length, name);
    }
    pack.finalize();
  })().catch((error) => pack.destroy(error));
  pipeline(pack, out).then(cleanup, (error) => {
    cleanup();
    out.destroy(error);
  });
  out.on('close', cleanup);
  return out;
}
