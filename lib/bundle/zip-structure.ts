// The structure checks of a bundle, before a byte is inflated: the central directory and every local
// header read and compared (unsafe or colliding names, links and devices, encryption, unsupported methods,
// overlapping data, sizes past the limits). zip-reader.ts opens bundles with these and reads entries.
import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import type { BundleLimits } from '@/lib/config';
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

export const STORED = 0;
export const DEFLATE = 8;
const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
/** Records that may follow the last central directory record: end record, Zip64 end record, digital signature. */
const AFTER_CENTRAL_DIRECTORY = new Set([0x06054b50, 0x06064b50, 0x05054b50]);
/** Data descriptor lengths: with or without signature, 32- or 64-bit sizes. */
const DESCRIPTOR_LENGTHS = new Set([12, 16, 20, 24]);
export const CHUNK = 64 * 1024;
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

/** What we keep per entry beyond the public fields. */
export interface ZipRecord {
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
export class FileReader extends yauzl.RandomAccessReader {
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

export async function readCentralDirectory(reader: FileReader, limits: BundleLimits) {
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

  const list: ZipRecord[] = [];
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
function checkEntry(raw: yauzl.Entry): ZipRecord {
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
export async function checkLocalHeaders(reader: FileReader, records: ZipRecord[], centralDirectoryOffset: number): Promise<void> {
  const byOffset = [...records].sort((a, b) => a.headerOffset - b.headerOffset);
  const headers = new Map<ZipRecord, Buffer>();
  for (const r of byOffset) {
    const header = Buffer.from(await reader.readAt(r.headerOffset, 30 + r.nameRaw.length));
    if (header.length < 30) throw new BundleError('TRUNCATED', `The archive is truncated: entry ${q(r.name)} starts past the end of the file.`, r.name);
    if (header.readUInt32LE(0) !== LOCAL_HEADER) throw new BundleError('CORRUPT_ENTRY', `Entry ${q(r.name)} has no valid local header.`, r.name);
    headers.set(r, header);
    r.dataStart = r.headerOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    r.dataEnd = r.dataStart + r.entry.compressedSize;
  }

  let prev: ZipRecord | undefined;
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
