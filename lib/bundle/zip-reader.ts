// Opens a .wave/.zip bundle from disk (zip-structure.ts refuses anything hostile before a byte is inflated)
// and reads its entries, counting and checksumming what inflates so a lying header is caught as it happens.
import { open as openFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { bundleLimits, type BundleLimits } from '@/lib/config';
import { BundleError, formatBytes, quoteEntry as q } from './errors';
import { CHUNK, checkLocalHeaders, DEFLATE, FileReader, readCentralDirectory, STORED, type BundleEntry, type ZipRecord } from './zip-structure';

export type { BundleEntry };

export interface BundleReader {
  /** In archive order. */
  readonly entries: readonly BundleEntry[];
  /** Regular files only. */
  readonly files: readonly BundleEntry[];
  /** Exact path lookup. */
  get(path: string): BundleEntry | undefined;
  /** Inflate one file, refusing (BundleError ENTRY_TOO_LARGE) if its declared size OR the bytes actually produced exceed maxBytes. */
  readFile(path: string, maxBytes: number): Promise<Buffer>;
  /** First n bytes only (for sniffing image types), without inflating the rest. */
  readHead(path: string, n: number): Promise<Buffer>;
  /**
   * Inflates every compressed file without keeping it, refusing the bundle at the first entry whose real
   * size or checksum differs from its header: a bomb cannot hide in an entry nobody reads. Stored entries
   * cannot lie about their size (their data is their size), so they cost nothing here, and files already
   * read whole by readFile were checked then.
   */
  verifyContents(): Promise<void>;
  close(): Promise<void>;
}

export async function openBundle(filePath: string, limits: BundleLimits = bundleLimits()): Promise<BundleReader> {
  const handle = await openFile(filePath, 'r');
  let reader: FileReader | undefined;
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new BundleError('NOT_A_ZIP', 'The bundle is not a regular file.');
    if (stats.size === 0) throw new BundleError('EMPTY', 'The bundle is empty (0 bytes).');
    if (stats.size > limits.BUNDLE_MAX_BYTES) {
      throw new BundleError('ARCHIVE_TOO_LARGE', `The bundle is ${formatBytes(stats.size)}; the limit is ${formatBytes(limits.BUNDLE_MAX_BYTES)}.`);
    }
    reader = new FileReader(handle, stats.size);
    const records = await readCentralDirectory(reader, limits);
    await checkLocalHeaders(reader, records.list, records.centralDirectoryOffset);
    return bundleReader(reader, records.list);
  } catch (error) {
    await (reader ? reader.closeFile() : handle.close()).catch(() => {});
    throw error;
  }
}

function bundleReader(reader: FileReader, records: ZipRecord[]): BundleReader {
  const byPath = new Map(records.map((r) => [r.entry.path, r]));
  /** Entries already inflated whole, their size and checksum confirmed: verifyContents need not do it again. */
  const verified = new Set<ZipRecord>();
  const entries = Object.freeze(records.map((r) => r.entry));
  const files = Object.freeze(entries.filter((e) => !e.isDirectory));

  const fileRecord = (path: string): ZipRecord => {
    const r = byPath.get(path);
    if (!r) throw new BundleError('NOT_FOUND', `The bundle has no file ${q(path)}.`, path);
    if (r.entry.isDirectory) throw new BundleError('NOT_FOUND', `${q(path)} is a directory in the bundle, not a file.`, path);
    return r;
  };

  return {
    entries,
    files,
    get: (path) => byPath.get(path)?.entry,
    async readFile(path, maxBytes) {
      const r = fileRecord(path);
      if (r.entry.size > maxBytes) {
        throw new BundleError('ENTRY_TOO_LARGE', `${q(path)} is ${formatBytes(r.entry.size)}; the limit is ${formatBytes(maxBytes)}.`, path);
      }
      const data = await inflate(reader, r, maxBytes, Infinity);
      verified.add(r);
      return data;
    },
    async readHead(path, n) {
      return inflate(reader, fileRecord(path), Infinity, n);
    },
    async verifyContents() {
      for (const r of records) {
        if (r.entry.isDirectory || verified.has(r)) continue;
        if (r.method === STORED) {
          if (r.entry.size !== r.entry.compressedSize) {
            throw new BundleError('CORRUPT_ENTRY', `Entry ${q(r.entry.path)} is stored uncompressed yet declares ${r.entry.size} bytes for ${r.entry.compressedSize} bytes of data.`, r.entry.path);
          }
          continue;
        }
        await inflate(reader, r, r.entry.size, Infinity, false);
      }
    },
    close: () => reader.closeFile(),
  };
}

/**
 * Inflates an entry while counting what comes out: a header that understates the size is caught as soon as
 * the output passes `maxBytes`, not after the whole bomb has gone off. With `stopAfter`, stops there.
 */
async function inflate(reader: FileReader, r: ZipRecord, maxBytes: number, stopAfter: number, keep = true): Promise<Buffer> {
  const path = r.entry.path;
  const chunks: Buffer[] = [];
  let produced = 0;
  let crc = 0;
  let complete = true;
  if (r.entry.compressedSize > 0 && stopAfter > 0) {
    const source = Readable.from(compressedChunks(reader, r), { objectMode: false, highWaterMark: CHUNK });
    let output: AsyncIterable<Buffer> = source;
    if (r.method === DEFLATE) {
      const inflater = zlib.createInflateRaw({ chunkSize: CHUNK });
      pipeline(source, inflater).catch(() => {}); // a failure reaches the loop below through the inflater
      output = inflater;
    }
    try {
      for await (const chunk of output) {
        produced += chunk.length;
        if (produced > maxBytes) {
          throw maxBytes === r.entry.size
            ? new BundleError('CORRUPT_ENTRY', `${q(path)} inflates to more than the ${formatBytes(r.entry.size)} its header declares: the archive is damaged or a zip bomb.`, path)
            : new BundleError('ENTRY_TOO_LARGE', `${q(path)} inflates to more than the limit of ${formatBytes(maxBytes)} (its header declares ${formatBytes(r.entry.size)}).`, path);
        }
        crc = zlib.crc32(chunk, crc);
        if (keep) chunks.push(chunk);
        if (produced >= stopAfter) {
          complete = false;
          break;
        }
      }
    } catch (error) {
      if (error instanceof BundleError || reader.closed) throw error;
      throw new BundleError('CORRUPT_ENTRY', `Entry ${q(path)} is damaged: its data cannot be inflated (${(error as Error).message}).`, path);
    }
  }
  if (complete && produced !== r.entry.size) {
    throw new BundleError('CORRUPT_ENTRY', `Entry ${q(path)} declares ${r.entry.size} bytes but holds ${produced}.`, path);
  }
  if (complete && crc !== r.crc) throw new BundleError('CORRUPT_ENTRY', `Entry ${q(path)} is damaged: its checksum (CRC-32) does not match.`, path);
  const data = Buffer.concat(chunks);
  return stopAfter < data.length ? data.subarray(0, stopAfter) : data;
}

async function* compressedChunks(reader: FileReader, r: ZipRecord): AsyncGenerator<Buffer> {
  for (let pos = r.dataStart; pos < r.dataEnd; ) {
    const chunk = await reader.readAt(pos, Math.min(CHUNK, r.dataEnd - pos), false);
    if (chunk.length === 0) throw new BundleError('TRUNCATED', `The archive is truncated inside ${q(r.name)}.`, r.name);
    pos += chunk.length;
    yield chunk;
  }
}
