// Opens a .wave/.zip bundle from disk and refuses anything hostile before a byte is inflated: unsafe or
// colliding names, links and devices, encryption, overlapping data (zip bombs) and sizes past the limits.
import { open as openFile, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import yauzl from 'yauzl';
import { bundleLimits, type BundleLimits } from '@/lib/config';
import { BundleError, formatBytes, quoteEntry as q } from './errors';
import { isUtf8, NameRegistry, unsafePathReason } from './entry-names';

export interface BundleEntry {
  /** As in the archive; directories without their trailing slash. */
  path: string;
  isDirectory: boolean;
  /** Declared uncompressed size. */
  size: number;
  compressedSize: number;
}

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
   * cannot lie about their size (their data is their size), so they cost nothing here.
   */
  verifyContents(): Promise<void>;
  close(): Promise<void>;
}

const STORED = 0;
const DEFLATE = 8;
const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
/** Records that may follow the last central directory record: end record, Zip64 end record, digital signature. */
const AFTER_CENTRAL_DIRECTORY = new Set([0x06054b50, 0x06064b50, 0x05054b50]);
/** Data descriptor lengths: with or without signature, 32- or 64-bit sizes. */
const DESCRIPTOR_LENGTHS = new Set([12, 16, 20, 24]);
const CHUNK = 64 * 1024;
const FLAG_ENCRYPTED = 0x1;
const FLAG_DESCRIPTOR = 0x8;
const FLAG_UTF8 = 0x800;
const FLAG_MASKED_DIRECTORY = 0x2000;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const FILE_TYPES: Record<number, string> = {
  0o120000: 'a symbolic link',
  0o140000: 'a socket',
  0o060000: 'a block device',
  0o020000: 'a character device',
  0o010000: 'a named pipe (FIFO)',
};
const METHODS: Record<number, string> = { 1: 'shrink', 6: 'implode', 9: 'deflate64', 12: 'bzip2', 14: 'LZMA', 93: 'Zstandard', 95: 'xz', 98: 'PPMd', 99: 'AES encryption' };
const crc32: (data: Buffer, value?: number) => number = zlib.crc32 ?? crc32Fallback;

/** What we keep per entry beyond the public fields. */
interface Record_ {
  entry: BundleEntry;
  /** As written in the archive: directories keep their trailing "/". Errors name entries this way. */
  name: string;
  nameRaw: Buffer;
  flags: number;
  method: number;
  crc: number;
  headerOffset: number;
  dataStart: number;
  dataEnd: number;
}

/** yauzl's random-access interface over our file handle, with a read-ahead window so walking the central directory and local headers costs a few system calls instead of one per record. */
class FileReader extends yauzl.RandomAccessReader {
  private window: { start: number; bytes: Buffer } | undefined;
  private closing: Promise<void> | undefined;
  closed = false;

  constructor(private readonly handle: FileHandle, readonly size: number) {
    super();
  }

  /** Up to `length` bytes at `position`, fewer only at the end of the file. */
  async readAt(position: number, length: number, cache = true): Promise<Buffer> {
    const w = this.window;
    if (cache && w && position >= w.start && position + length <= w.start + w.bytes.length) {
      return w.bytes.subarray(position - w.start, position - w.start + length);
    }
    if (this.closed) throw new Error('The bundle is closed.');
    const want = Math.min(cache ? Math.max(length, 4 * CHUNK) : length, this.size - position);
    if (want <= 0) return Buffer.alloc(0);
    const bytes = Buffer.allocUnsafe(want);
    const { bytesRead } = await this.handle.read(bytes, 0, want, position);
    if (cache) this.window = { start: position, bytes: bytes.subarray(0, bytesRead) };
    return bytes.subarray(0, Math.min(length, bytesRead));
  }

  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (err: Error | null) => void): void {
    const done = callback as (err: Error | null, bytesRead?: number) => void;
    this.readAt(position, length).then((bytes) => done(null, bytes.copy(buffer, offset)), done);
  }

  override _readStreamForRange(): Readable {
    throw new Error('Entry data is read through BundleReader, not yauzl streams.');
  }

  /** FileHandle.close() waits for reads in flight, so a reused descriptor number is never read. */
  closeFile(): Promise<void> {
    this.closed = true;
    this.closing ??= this.handle.close();
    return this.closing;
  }

  override close(callback: (err: Error | null) => void): void {
    this.closeFile().then(() => callback(null), callback);
  }
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

async function readCentralDirectory(reader: FileReader, limits: BundleLimits) {
  const zipfile = await yauzl
    .fromRandomAccessReaderPromise(reader, reader.size, {
      lazyEntries: true,
      autoClose: false,
      decodeStrings: false, // names are decoded and checked below, with messages that name the entry
      validateEntrySizes: true,
      strictFileNames: true,
    })
    .catch(async (error: Error) => {
      throw await archiveError(reader, error);
    });
  const centralDirectoryOffset = zipfile.readEntryCursor as unknown as number;
  // Both counts come from the end record, so a 200,000-entry archive is refused before any record is read.
  if (zipfile.entryCount === 0) throw new BundleError('EMPTY', 'The bundle is a zip archive with no entries.');
  if (zipfile.entryCount > limits.BUNDLE_MAX_ENTRIES) {
    throw new BundleError('TOO_MANY_ENTRIES', `The bundle has ${zipfile.entryCount} entries; the limit is ${limits.BUNDLE_MAX_ENTRIES}.`);
  }

  const list: Record_[] = [];
  const names = new NameRegistry(limits.BUNDLE_MAX_ENTRIES);
  let declaredTotal = 0;
  let recordAt = centralDirectoryOffset;
  try {
    for await (const raw of zipfile.eachEntry()) {
      const record = checkEntry(raw);
      names.claim(record);
      declaredTotal += record.entry.size;
      if (declaredTotal > limits.BUNDLE_MAX_UNCOMPRESSED_BYTES) {
        throw new BundleError(
          'UNCOMPRESSED_TOO_LARGE',
          `Uncompressed, the bundle's entries add up to more than the limit of ${formatBytes(limits.BUNDLE_MAX_UNCOMPRESSED_BYTES)} (passed at ${q(record.name)}).`,
          record.name,
        );
      }
      list.push(record);
      recordAt = zipfile.readEntryCursor as unknown as number;
    }
  } catch (error) {
    if (error instanceof BundleError) throw error;
    throw await recordError(reader, recordAt, list.length + 1, error as Error);
  }
  const next = await reader.readAt(recordAt, 4);
  const signature = next.length === 4 ? next.readUInt32LE(0) : undefined;
  if (signature === CENTRAL_HEADER) {
    throw new BundleError('CORRUPT_ENTRY', `The archive's central directory holds more than the ${list.length} entries its end record declares; the rest would be hidden.`);
  }
  if (signature === undefined || !AFTER_CENTRAL_DIRECTORY.has(signature)) {
    throw new BundleError('CORRUPT_ENTRY', "The archive's central directory is followed by unexpected bytes instead of its end record.");
  }
  return { list, centralDirectoryOffset };
}

/** Checks one central directory record on its own: name, flags, method, file type. */
function checkEntry(raw: yauzl.Entry): Record_ {
  const flags = raw.generalPurposeBitFlag;
  const stored = yauzl.getFileNameLowLevel(flags & FLAG_UTF8, raw.fileNameRaw, [], true);
  // The Info-ZIP Unicode Path field may rename the entry; both names must be safe since extractors differ on which they use.
  const name = yauzl.getFileNameLowLevel(flags, raw.fileNameRaw, raw.extraFields, true);
  const compatible = name.normalize('NFKC');
  const reason =
    (flags & FLAG_UTF8 && !isUtf8(raw.fileNameRaw) && 'has a name that is not valid UTF-8') ||
    (raw.fileNameRaw.some((b) => b < 0x20 || b === 0x7f) && 'contains a NUL or control character') ||
    unsafePathReason(name) ||
    (stored !== name && unsafePathReason(stored) && `has a stored name ${q(stored)} that ${unsafePathReason(stored)}`) ||
    // Some extractors map look-alikes such as U+FF0F FULLWIDTH SOLIDUS to "/" (Windows "best fit" code pages).
    (compatible !== name && unsafePathReason(compatible) && `${unsafePathReason(compatible)} once Unicode compatibility characters are normalized (${q(compatible)})`);
  if (reason) throw new BundleError('UNSAFE_PATH', `Entry ${q(name)} ${reason}.`, name);

  if (flags & (FLAG_ENCRYPTED | FLAG_MASKED_DIRECTORY)) {
    throw new BundleError('ENCRYPTED', `Entry ${q(name)} is encrypted; bundles must not be password-protected.`, name);
  }
  const method = raw.compressionMethod;
  if (method !== STORED && method !== DEFLATE) {
    const label = METHODS[method] ? ` (${METHODS[method]})` : '';
    throw new BundleError('UNSUPPORTED_COMPRESSION', `Entry ${q(name)} uses compression method ${method}${label}; only stored (0) and deflate (8) are supported.`, name);
  }

  const isDirectory = name.endsWith('/');
  const mode = raw.externalFileAttributes >>> 16;
  const type = mode & S_IFMT;
  if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) {
    const what = FILE_TYPES[type] ?? `of an unknown file type (mode 0o${mode.toString(8)})`;
    throw new BundleError('UNSUPPORTED_ENTRY', `Entry ${q(name)} is ${what}; a bundle may only hold regular files and directories.`, name);
  }
  const dosDirectory = type === 0 && (raw.externalFileAttributes & 0x10) !== 0;
  if (!isDirectory && (type === S_IFDIR || dosDirectory)) {
    throw new BundleError('UNSUPPORTED_ENTRY', `Entry ${q(name)} is marked as a directory but its name does not end in "/".`, name);
  }
  if (isDirectory && type === S_IFREG) {
    throw new BundleError('UNSUPPORTED_ENTRY', `Entry ${q(name)} ends in "/" but is marked as a regular file.`, name);
  }
  if (isDirectory && raw.uncompressedSize > 0) {
    throw new BundleError('UNSUPPORTED_ENTRY', `Directory entry ${q(name)} carries ${formatBytes(raw.uncompressedSize)} of data.`, name);
  }

  const path = isDirectory ? name.slice(0, -1) : name;
  const entry = Object.freeze({ path, isDirectory, size: raw.uncompressedSize, compressedSize: raw.compressedSize });
  // A copy: the slice would keep yauzl's buffer alive, with up to 128 KiB of extra field and comment behind it.
  return { entry, name, nameRaw: Buffer.from(raw.fileNameRaw), flags, method, crc: raw.crc32, headerOffset: raw.relativeOffsetOfLocalHeader, dataStart: 0, dataEnd: 0 };
}

/**
 * Reads every local header and lays the entries' byte spans side by side: overlapping spans are the
 * "better zip bomb" (many central records sharing one compressed kernel), and bytes that belong to no
 * entry could hold files that a streaming extractor would see but this reader would not.
 */
async function checkLocalHeaders(reader: FileReader, records: Record_[], centralDirectoryOffset: number): Promise<void> {
  const byOffset = [...records].sort((a, b) => a.headerOffset - b.headerOffset);
  const headers = new Map<Record_, Buffer>();
  for (const r of byOffset) {
    const header = Buffer.from(await reader.readAt(r.headerOffset, 30 + r.nameRaw.length));
    if (header.length < 30) throw new BundleError('TRUNCATED', `The archive is truncated: entry ${q(r.name)} starts past the end of the file.`, r.name);
    if (header.readUInt32LE(0) !== LOCAL_HEADER) throw new BundleError('CORRUPT_ENTRY', `Entry ${q(r.name)} has no valid local header.`, r.name);
    headers.set(r, header);
    r.dataStart = r.headerOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    r.dataEnd = r.dataStart + r.entry.compressedSize;
  }

  let prev: Record_ | undefined;
  for (const r of byOffset) {
    if (r.dataEnd > reader.size) throw new BundleError('TRUNCATED', `The archive is truncated: the data of ${q(r.name)} runs past the end of the file.`, r.name);
    if (r.dataEnd > centralDirectoryOffset) {
      throw new BundleError('OVERLAPPING_ENTRIES', `The data of ${q(r.name)} overlaps the archive's central directory.`, r.name);
    }
    if (prev && r.headerOffset < prev.dataEnd) {
      throw new BundleError(
        'OVERLAPPING_ENTRIES',
        `Entries ${q(prev.name)} and ${q(r.name)} share bytes in the archive; overlapping entries are a zip-bomb technique.`,
        r.name,
      );
    }
    prev = r;
  }

  for (const r of byOffset) {
    const header = headers.get(r)!;
    const localSize = header.readUInt32LE(18);
    const problem =
      (!header.subarray(30, 30 + header.readUInt16LE(26)).equals(r.nameRaw) && 'has a different name in its local header') ||
      (header.readUInt16LE(8) !== r.method && 'has a different compression method in its local header') ||
      ((header.readUInt16LE(6) & FLAG_ENCRYPTED) !== (r.flags & FLAG_ENCRYPTED) && 'is marked encrypted in its local header') ||
      (!(r.flags & FLAG_DESCRIPTOR) && localSize !== 0xffffffff && localSize !== r.entry.compressedSize && 'has a different compressed size in its local header');
    if (problem) throw new BundleError('CORRUPT_ENTRY', `Entry ${q(r.name)} ${problem}.`, r.name);
  }

  let expected = 0;
  let descriptor = false;
  for (const r of [...byOffset, undefined]) {
    const start = r ? r.headerOffset : centralDirectoryOffset;
    const gap = start - expected;
    if (gap !== 0 && !(descriptor && DESCRIPTOR_LENGTHS.has(gap))) {
      throw new BundleError(
        'CORRUPT_ENTRY',
        `The archive holds ${formatBytes(gap)} at offset ${expected} that belong to no entry in its central directory${r ? ` (before ${q(r.name)})` : ''}.`,
        r?.name,
      );
    }
    if (r) {
      expected = r.dataEnd;
      descriptor = ((r.flags | headers.get(r)!.readUInt16LE(6)) & FLAG_DESCRIPTOR) !== 0;
    }
  }
}

function bundleReader(reader: FileReader, records: Record_[]): BundleReader {
  const byPath = new Map(records.map((r) => [r.entry.path, r]));
  const entries = Object.freeze(records.map((r) => r.entry));
  const files = Object.freeze(entries.filter((e) => !e.isDirectory));

  const fileRecord = (path: string): Record_ => {
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
      return inflate(reader, r, maxBytes, Infinity);
    },
    async readHead(path, n) {
      return inflate(reader, fileRecord(path), Infinity, n);
    },
    async verifyContents() {
      for (const r of records) {
        if (r.entry.isDirectory) continue;
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
async function inflate(reader: FileReader, r: Record_, maxBytes: number, stopAfter: number, keep = true): Promise<Buffer> {
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
        crc = crc32(chunk, crc);
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

async function* compressedChunks(reader: FileReader, r: Record_): AsyncGenerator<Buffer> {
  for (let pos = r.dataStart; pos < r.dataEnd; ) {
    const chunk = await reader.readAt(pos, Math.min(CHUNK, r.dataEnd - pos), false);
    if (chunk.length === 0) throw new BundleError('TRUNCATED', `The archive is truncated inside ${q(r.name)}.`, r.name);
    pos += chunk.length;
    yield chunk;
  }
}

/** Turns yauzl's failure to find or read the end of the archive into a BundleError. */
async function archiveError(reader: FileReader, error: Error): Promise<Error> {
  const m = error.message;
  if (/signature not found/.test(m)) {
    const start = await reader.readAt(0, 4).catch(() => Buffer.alloc(0));
    return start.length === 4 && start.readUInt32LE(0) === LOCAL_HEADER
      ? new BundleError('TRUNCATED', 'The archive is truncated: it starts like a zip file but its central directory is missing.')
      : new BundleError('NOT_A_ZIP', 'The bundle is not a zip archive.');
  }
  if (/unexpected EOF|comment length/i.test(m)) {
    return new BundleError('TRUNCATED', 'The archive is truncated or has extra bytes at its end: its end record does not match the file.');
  }
  if (/multi-disk/.test(m)) return new BundleError('NOT_A_ZIP', 'Split (multi-disk) zip archives are not supported.');
  if (/zip64|too large/i.test(m)) return new BundleError('NOT_A_ZIP', 'The archive is damaged: its Zip64 end record is missing or invalid.');
  return error;
}

/** Turns yauzl's failure on one central directory record into a BundleError naming the entry, if its name is readable. */
async function recordError(reader: FileReader, at: number, index: number, error: Error): Promise<Error> {
  const m = error.message;
  let name: string | undefined;
  const fixed = await reader.readAt(at, 46).catch(() => Buffer.alloc(0));
  if (fixed.length === 46 && fixed.readUInt32LE(0) === CENTRAL_HEADER) {
    const raw = await reader.readAt(at + 46, fixed.readUInt16LE(28)).catch(() => Buffer.alloc(0));
    name = yauzl.getFileNameLowLevel(fixed.readUInt16LE(8) & FLAG_UTF8, Buffer.from(raw), [], true);
  }
  const which = name === undefined ? `Central directory record #${index}` : `Entry ${q(name)}`;
  if (/strong encryption/.test(m)) return new BundleError('ENCRYPTED', `${which} is encrypted; bundles must not be password-protected.`, name);
  if (/unexpected EOF/.test(m)) return new BundleError('TRUNCATED', `The archive is truncated: ${which.toLowerCase()} runs past the end of the file.`, name);
  if (/size mismatch for stored file/.test(m)) {
    return new BundleError('CORRUPT_ENTRY', `${which} is stored uncompressed but declares different compressed and uncompressed sizes.`, name);
  }
  if (/signature|extra field|zip64/i.test(m)) return new BundleError('CORRUPT_ENTRY', `${which} is damaged in the central directory (${m}).`, name);
  return error;
}

let crcTable: Int32Array | undefined;
/** For Node versions before 20.15, which lack zlib.crc32. */
function crc32Fallback(data: Buffer, value = 0): number {
  crcTable ??= Int32Array.from({ length: 256 }, (_, n) => {
    for (let k = 0; k < 8; k += 1) n = n & 1 ? 0xedb88320 ^ (n >>> 1) : n >>> 1;
    return n;
  });
  let crc = ~value;
  for (const byte of data) crc = crcTable[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}
