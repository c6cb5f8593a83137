// Restores a backup archive into an empty DATA_DIR, checking every file's sha256 and size against the
// manifest; anything missing, extra or altered stops the restore and leaves the folder empty again. The
// manifest comes last (format 2: the backup hashes the files as it sends them) or first (format 1): files
// are written aside (`.partial`) and take their names only once every one of them has been checked.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { extract as tarExtract } from 'tar-stream';
import { allowedEntry, FORMATS_READ, MANIFEST_NAME, type BackupManifest } from './manifest';

export class RestoreError extends Error {}

function parseManifest(bytes: Buffer): BackupManifest {
  let parsed: BackupManifest;
  try {
    parsed = JSON.parse(bytes.toString('utf8')) as BackupManifest;
  } catch {
    throw new RestoreError(`${MANIFEST_NAME} is not JSON: not a portal backup.`);
  }
  if (!FORMATS_READ.includes(parsed.format)) throw new RestoreError(`Unknown backup format ${JSON.stringify(parsed.format)}.`);
  if (!parsed.files || typeof parsed.files !== 'object') throw new RestoreError(`${MANIFEST_NAME} lists no files.`);
  return parsed;
}

export async function restoreArchive(input: Readable, dataDir: string, onFile?: (name: string) => void): Promise<BackupManifest> {
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
    throw new RestoreError(`${dataDir} is not empty: restore into a new, empty data folder.`);
  }
  // Traversable, as a default DATA_DIR is: the runner's sandbox users reach DATA_DIR/runner through it.
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o711 });
  let manifest: BackupManifest | null = null;
  let entries = 0;
  /** Written (as `.partial`), with what their bytes hash to. */
  const written = new Map<string, { sha256: string; size: number }>();
  const check = (name: string, got: { sha256: string; size: number }) => {
    const expected = manifest!.files[name];
    if (!expected) throw new RestoreError(`Unexpected entry in the archive: ${name}.`);
    if (got.sha256 !== expected.sha256 || got.size !== expected.size) {
      throw new RestoreError(`${name} does not match the manifest (sha256 ${got.sha256.slice(0, 12)}…, expected ${expected.sha256.slice(0, 12)}…).`);
    }
  };
  try {
    const extract = tarExtract();
    input.pipe(extract);
    for await (const entry of extract) {
      const name = entry.header.name;
      if (name === MANIFEST_NAME) {
        if (manifest) throw new RestoreError(`Unexpected entry in the archive: a second ${MANIFEST_NAME}.`);
        const chunks: Buffer[] = [];
        for await (const chunk of entry) chunks.push(chunk as Buffer);
        manifest = parseManifest(Buffer.concat(chunks));
        if (manifest.format === 'appstore-backup/1' && entries > 0) throw new RestoreError(`${MANIFEST_NAME} is not the first entry of a format 1 backup.`);
        for (const [done, got] of written) check(done, got);
        entries++;
        continue;
      }
      entries++;
      // Format 2 ends with its manifest: nothing may follow it.
      if (manifest && manifest.format !== 'appstore-backup/1') throw new RestoreError(`Unexpected entry after ${MANIFEST_NAME}: ${name}.`);
      if (!allowedEntry(name) || written.has(name)) throw new RestoreError(`Unexpected entry in the archive: ${name}.`);
      const target = path.join(dataDir, name);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const out = fs.createWriteStream(`${target}.partial`, { mode: 0o600 });
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of entry) {
        hash.update(chunk as Buffer);
        size += (chunk as Buffer).length;
        if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      }
      await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
      const got = { sha256: hash.digest('hex'), size };
      if (manifest) check(name, got);
      written.set(name, got);
      onFile?.(name);
    }
    if (!manifest) throw new RestoreError(written.size ? `The archive has no ${MANIFEST_NAME}: it is incomplete or not a portal backup.` : 'The archive is empty.');
    const missing = Object.keys(manifest.files).filter((name) => !written.has(name));
    if (missing.length) throw new RestoreError(`The archive is incomplete: ${missing.length} file(s) missing, e.g. ${missing[0]}.`);
    for (const name of written.keys()) {
      const target = path.join(dataDir, name);
      fs.renameSync(`${target}.partial`, target);
      if (!name.endsWith('.key') && name !== 'auth-secret') fs.chmodSync(target, 0o644);
    }
    return manifest;
  } catch (error) {
    // Nothing half-restored: the folder was empty, so it is emptied again.
    for (const entry of fs.readdirSync(dataDir)) fs.rmSync(path.join(dataDir, entry), { recursive: true, force: true });
    if (error instanceof RestoreError) throw error;
    throw new RestoreError(`The archive could not be read: ${(error as Error).message}`);
  }
}
