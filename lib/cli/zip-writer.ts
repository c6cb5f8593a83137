// Writes a list of files as a deflated zip, streaming: one file is open and in memory (in chunks) at a time.
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import JSZip from 'jszip';
import type { BundleFile } from './bundle-files';

/** Opens the file only when jszip starts reading it; jszip reads its sources one after the other. */
function lazyReadStream(file: string): Readable {
  async function* chunks() {
    yield* createReadStream(file);
  }
  return Readable.from(chunks(), { objectMode: false });
}

export async function writeZip(files: BundleFile[], target: string): Promise<void> {
  const zip = new JSZip();
  for (const file of files) {
    const info = await stat(file.source);
    zip.file(file.name, lazyReadStream(file.source), {
      binary: true,
      createFolders: false,
      date: info.mtime,
      // A regular file, executable or not: keeps scripts runnable without carrying over the local umask.
      unixPermissions: info.mode & 0o111 ? 0o100755 : 0o100644,
    });
  }
  const output = zip.generateNodeStream({
    type: 'nodebuffer',
    streamFiles: true,
    compression: 'DEFLATE',
    compressionOptions: { level: 6 },
    platform: 'UNIX',
  });
  await pipeline(output, createWriteStream(target, { flags: 'wx' }));
}
