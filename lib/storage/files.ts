// Durable file placement: write or move to a temporary name, fsync, rename into place, fsync the directory.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { tmpDir } from './paths';

/** Flushes a file or a directory (its entries) to disk; a read-only descriptor is enough on Linux. */
async function fsyncPath(target: string): Promise<void> {
  const handle = await fsp.open(target, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Moves `source` (on the same file system) to `destination` unless a file is already there — content
 * addressing makes an existing file identical. Returns whether this call created the destination.
 * `durable` settles once `source` is known to be on disk (see StagedFile).
 */
export async function placeFile(source: string, destination: string, durable?: Promise<void>): Promise<boolean> {
  await fsp.mkdir(path.dirname(destination), { recursive: true });
  if (fs.existsSync(destination)) {
    await durable?.catch(() => undefined);
    await fsp.rm(source, { force: true });
    return false;
  }
  // A staged upload is flushed in the background already; anything else is flushed now.
  if (durable) await durable;
  else await fsyncPath(source);
  await fsp.rename(source, destination);
  await fsyncPath(path.dirname(destination));
  return true;
}

/** Writes bytes durably to `destination` (via a temporary file) unless it exists already. */
export async function writeFileAtomic(destination: string, data: Uint8Array): Promise<boolean> {
  if (fs.existsSync(destination)) return false;
  await fsp.mkdir(tmpDir(), { recursive: true });
  const temp = path.join(tmpDir(), `${randomUUID()}.tmp`);
  await fsp.writeFile(temp, data);
  return placeFile(temp, destination);
}

export const sha256Hex = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
