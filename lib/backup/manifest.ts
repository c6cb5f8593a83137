// What a backup archive holds and how it is checked, shared by the backup (in the portal) and the restore
// (in the CLI, with no portal running). Pure: no database, no configuration.
import { createHash } from 'node:crypto';
import fs from 'node:fs';

export const MANIFEST_NAME = 'manifest.json';
/** Format 2 ends with its manifest (files are hashed as they stream); format 1 began with it. */
export const FORMAT = 'appstore-backup/2';
export const FORMATS_READ: string[] = ['appstore-backup/1', FORMAT];

export interface BackupManifest {
  format: string;
  createdAt: string;
  /** The migrations the database had (their tags), to know which portal version can read it. */
  migrations: string[];
  counts: { apps: number; assets: number; secrets: number; users: number; instances: number };
  /** Every file of the archive but the manifest: path inside DATA_DIR → sha256 and size. */
  files: Record<string, { sha256: string; size: number }>;
  /** Keys that were not in DATA_DIR (set through the environment) and must be provided again. */
  keysFromEnvironment: string[];
  /** Files rows needed that were already missing from storage (their versions are marked broken). */
  missingFromStorage?: string[];
  /** Instances whose volume (RUNNER_DIR/volumes/<id>) exists but is not in the backup: see the README, Operating. */
  volumesNotIncluded?: string[];
}

/** A path an archive may hold: the database, keys, or a content-addressed bundle or asset. */
export function allowedEntry(name: string): boolean {
  return (
    name === 'appstore.db' ||
    name === 'secrets.key' ||
    name === 'auth-secret' ||
    /^(bundles|assets)\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(name)
  );
}

export async function sha256File(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of fs.createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}
