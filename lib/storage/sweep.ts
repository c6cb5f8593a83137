// Removes files no row points to: leftovers of a crash between placing a file and committing its row,
// of refused imports, and of deleted app versions. Runs at start-up and after deletions.
import 'server-only';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { appAssets, apps } from '@/db/schema';
import { dataDir, stagedUploadTtlMs } from '@/lib/config';
import { withStorageLock } from './lock';
import { releaseStagedBytes } from './staged-bytes';
import { assetPath, bundlePath, stagingDir, tmpDir } from './paths';

/**
 * Every bundle a row needs: the app versions', and those of deleted versions whose instances still run
 * (kept in `instances.app_snapshot`). The one list the sweep, the storage check and backups go by.
 */
export const REFERENCED_BUNDLES_SQL = `select bundle_sha256 as sha from apps
  union select json_extract(app_snapshot, '$.bundleSha256') as sha from instances where app_snapshot is not null`;

function isReferenced(kind: 'bundles' | 'assets', sha256: string): boolean {
  const db = getDb();
  if (kind === 'bundles') return !!db.$client.prepare(`select 1 from (${REFERENCED_BUNDLES_SQL}) where sha = ?`).get(sha256);
  return !!db.select({ sha: appAssets.sha256 }).from(appAssets).where(eq(appAssets.sha256, sha256)).get();
}

/** Deletes the given content-addressed files unless a row points at them. Call under the storage lock. */
export function removeUnreferencedFiles(files: string[]): void {
  for (const file of files) {
    const kind = path.basename(path.dirname(path.dirname(file)));
    if (kind !== 'bundles' && kind !== 'assets') continue;
    if (!isReferenced(kind, path.basename(file))) fs.rmSync(file, { force: true });
  }
}

/** The bundle and asset files of one app version (to remove after deleting it, when unshared). */
export function storedFilesOf(appId: string): string[] {
  const db = getDb();
  const app = db.select({ sha: apps.bundleSha256 }).from(apps).where(eq(apps.id, appId)).get();
  if (!app) return [];
  const assets = db.select({ sha: appAssets.sha256 }).from(appAssets).where(eq(appAssets.appId, appId)).all();
  return [bundlePath(app.sha), ...assets.map((a) => assetPath(a.sha))];
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  let shards: fs.Dirent[];
  try {
    shards = await fsp.readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const shard of shards) {
    if (!shard.isDirectory()) continue;
    for (const name of await fsp.readdir(path.join(dir, shard.name))) out.push(path.join(dir, shard.name, name));
  }
  return out;
}

async function removeOlderThan(dir: string, maxAgeMs: number, now: number): Promise<number> {
  let removed = 0;
  let names: string[];
  try {
    names = await fsp.readdir(dir, { recursive: true });
  } catch {
    return 0;
  }
  for (const name of names) {
    const file = path.join(dir, name);
    const stat = await fsp.stat(file).catch(() => null);
    if (stat?.isFile() && now - stat.mtimeMs >= maxAgeMs) {
      await fsp.rm(file, { force: true });
      // A staged bundle no longer counts against its user's staging quota.
      if (file.endsWith('.part')) releaseStagedBytes(path.dirname(file), stat.size);
      removed++;
    }
  }
  return removed;
}

export interface SweepOptions {
  /** Staged uploads older than this are abandoned (0 at start-up: nothing is in flight). */
  stagingMaxAgeMs?: number;
}

/** Removes orphaned bundles and assets, abandoned staged uploads and temporary files. */
export function sweepOrphanFiles(options: SweepOptions = {}): Promise<{ removed: number }> {
  return withStorageLock(async () => {
    const now = Date.now();
    const maxAge = options.stagingMaxAgeMs ?? stagedUploadTtlMs();
    let removed = (await removeOlderThan(stagingDir(), maxAge, now)) + (await removeOlderThan(tmpDir(), maxAge, now));
    for (const kind of ['bundles', 'assets'] as const) {
      for (const file of await listFiles(path.join(dataDir(), kind))) {
        if (!isReferenced(kind, path.basename(file))) {
          await fsp.rm(file, { force: true });
          removed++;
        }
      }
    }
    return { removed };
  });
}

/**
 * Removes staged uploads (and temporary files) untouched for `maxAgeMs`: uploads whose import never came.
 * An upload still arriving is being written to, so it is never that old.
 */
export function sweepExpiredStaging(maxAgeMs: number): Promise<{ removed: number }> {
  return withStorageLock(async () => {
    const now = Date.now();
    return { removed: (await removeOlderThan(stagingDir(), maxAgeMs, now)) + (await removeOlderThan(tmpDir(), maxAgeMs, now)) };
  });
}
