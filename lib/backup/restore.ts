// Restores a backup archive into an empty DATA_DIR, checking every file's sha256 against the manifest as
// it is written; anything missing, extra or altered stops the restore and leaves the folder empty again.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { extract as tarExtract } from 'tar-stream';
import { allowedEntry, FORMAT, MANIFEST_NAME, type BackupManifest } from './manifest';

export class RestoreError extends Error {}

export async function restoreArchive(input: Readable, dataDir: string, onFile?: (name: string) => void): Promise<BackupManifest> {
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
    throw new RestoreError(`${dataDir} is not empty: restore into a new, empty data folder.`);
  }
  // Traversable, as a default DATA_DIR is: the runner's sandbox users reach DATA_DIR/runner through it.
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o711 });
  let manifest: BackupManifest | null = null;
  const restored = new Set<string>();
  try {
    const extract = tarExtract();
    input.pipe(extract);
    for await (const entry of extract) {
      const name = entry.header.name;
      if (manifest === null) {
        if (name !== MANIFEST_NAME) throw new RestoreError(`The archive does not start with ${MANIFEST_NAME}: not a portal backup.`);
        const chunks: Buffer[] = [];
        for await (const chunk of entry) chunks.push(chunk as Buffer);
        const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as BackupManifest;
        if (parsed.format !== FORMAT) throw new RestoreError(`Unknown backup format ${JSON.stringify(parsed.format)}.`);
        manifest = parsed;
        continue;
      }
      const expected = manifest.files[name];
      if (!allowedEntry(name) || !expected || restored.has(name)) throw new RestoreError(`Unexpected entry in the archive: ${name}.`);
      const target = path.join(dataDir, name);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const partial = `${target}.partial`;
      const out = fs.createWriteStream(partial, { mode: 0o600 });
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of entry) {
        hash.update(chunk as Buffer);
        size += (chunk as Buffer).length;
        if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      }
      await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
      const sha256 = hash.digest('hex');
      if (sha256 !== expected.sha256 || size !== expected.size) {
        throw new RestoreError(`${name} does not match the manifest (sha256 ${sha256.slice(0, 12)}…, expected ${expected.sha256.slice(0, 12)}…).`);
      }
      fs.renameSync(partial, target);
      if (!name.endsWith('.key') && name !== 'auth-secret') fs.chmodSync(target, 0o644);
      restored.add(name);
      onFile?.(name);
    }
    if (!manifest) throw new RestoreError('The archive is empty.');
    const missing = Object.keys(manifest.files).filter((name) => !restored.has(name));
    if (missing.length) throw new RestoreError(`The archive is incomplete: ${missing.length} file(s) missing, e.g. ${missing[0]}.`);
    return manifest;
  } catch (error) {
    // Nothing half-restored: the folder was empty, so it is emptied again.
    for (const entry of fs.readdirSync(dataDir)) fs.rmSync(path.join(dataDir, entry), { recursive: true, force: true });
    if (error instanceof RestoreError) throw error;
    throw new RestoreError(`The archive could not be read: ${(error as Error).message}`);
  }
}
