// Writes zip archives byte by byte, including the hostile ones no zip tool would produce (lying sizes,
// overlapping or hidden records, links, odd flags), for the bundle reader's tests and the bench.
import zlib from 'node:zlib';

export interface RawEntry {
  name: string | Buffer;
  /** Uncompressed content; deflated when `method` is 8, unless `data` gives the archived bytes directly. */
  content?: Buffer | string;
  /** The bytes written after the local header, as is. */
  data?: Buffer;
  /** 0 stored (default), 8 deflate, anything else as given. */
  method?: number;
  /** General purpose flags; default 0x800 (UTF-8 names). */
  flags?: number;
  crc32?: number;
  /** Declared uncompressed size; default the content's length. */
  size?: number;
  /** Declared compressed size; default the data's length. */
  compressedSize?: number;
  /** Default: a Unix regular file 0644, or a directory 0755 when the name ends in "/". */
  externalAttributes?: number;
  /** Default 0x031e: Unix, zip 3.0. */
  versionMadeBy?: number;
  /** Central directory extra field. */
  extra?: Buffer;
  /** Local header extra field. */
  localExtra?: Buffer;
  /** Fields of the local header that differ from the central record. */
  local?: { name?: string | Buffer; method?: number; flags?: number; compressedSize?: number };
  /** Writes sizes and CRC in a data descriptor after the data (flag bit 3) instead of the local header. */
  descriptor?: boolean;
}

export interface RawZipOptions {
  /** Zip64 extra fields on every entry and Zip64 end records. */
  zip64?: boolean;
  /**
   * Central directory records to write, each pointing at the local section of entry `of` (plus `offsetDelta`),
   * with any field overridden. Default: one record per entry. Several records sharing one section make the
   * overlapping-files zip bomb.
   */
  central?: (Partial<RawEntry> & { of: number; offsetDelta?: number })[];
  /** Entry count written in the end record(s); default the number of central records. */
  entryCount?: number;
  /** Central directory offset written in the end record(s); default the real one. */
  centralDirectoryOffset?: number;
  /** Bytes written before the first local header. */
  prefix?: Buffer;
  /** Bytes written between the last entry and the central directory. */
  beforeCentralDirectory?: Buffer;
  /** Bytes written between the central directory and the end record(s). */
  afterCentralDirectory?: Buffer;
  comment?: Buffer;
}

export const S_IFREG = 0o100000;
export const S_IFDIR = 0o040000;
export const S_IFLNK = 0o120000;
export const unixMode = (mode: number) => (mode << 16) >>> 0;

interface Resolved extends Required<Omit<RawEntry, 'content' | 'local' | 'descriptor'>> {
  name: Buffer;
  local: NonNullable<RawEntry['local']>;
  descriptor: boolean;
}

export function resolveEntry(e: RawEntry): Resolved {
  const name = typeof e.name === 'string' ? Buffer.from(e.name, 'utf8') : e.name;
  const content = typeof e.content === 'string' ? Buffer.from(e.content, 'utf8') : (e.content ?? Buffer.alloc(0));
  const method = e.method ?? 0;
  const data = e.data ?? (method === 8 ? zlib.deflateRawSync(content) : content);
  const isDir = name.length > 0 && name[name.length - 1] === 0x2f;
  return {
    name,
    data,
    method,
    flags: (e.flags ?? 0x800) | (e.descriptor ? 0x8 : 0),
    crc32: e.crc32 ?? zlib.crc32(content),
    size: e.size ?? content.length,
    compressedSize: e.compressedSize ?? data.length,
    externalAttributes: e.externalAttributes ?? unixMode(isDir ? S_IFDIR | 0o755 : S_IFREG | 0o644),
    versionMadeBy: e.versionMadeBy ?? 0x031e,
    extra: e.extra ?? Buffer.alloc(0),
    localExtra: e.localExtra ?? Buffer.alloc(0),
    local: e.local ?? {},
    descriptor: e.descriptor ?? false,
  };
}

const u64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
};
const extraField = (id: number, data: Buffer) => {
  const head = Buffer.alloc(4);
  head.writeUInt16LE(id, 0);
  head.writeUInt16LE(data.length, 2);
  return Buffer.concat([head, data]);
};

/** The Info-ZIP Unicode Path extra field (0x7075): a UTF-8 name that replaces `storedName` for readers that honour it. */
export function unicodePathExtra(storedName: Buffer, unicodeName: string): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt8(1, 0);
  head.writeUInt32LE(zlib.crc32(storedName), 1);
  return extraField(0x7075, Buffer.concat([head, Buffer.from(unicodeName, 'utf8')]));
}

/** Local file header (30 bytes + name + extra), without the data. */
export function localHeader(e: Resolved, zip64 = false): Buffer {
  const name = e.local.name === undefined ? e.name : Buffer.from(e.local.name);
  const extra = zip64 ? Buffer.concat([extraField(1, Buffer.concat([u64(e.size), u64(e.compressedSize)])), e.localExtra]) : e.localExtra;
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(zip64 ? 45 : 20, 4);
  h.writeUInt16LE(e.local.flags ?? e.flags, 6);
  h.writeUInt16LE(e.local.method ?? e.method, 8);
  h.writeUInt16LE(0, 10); // time 00:00
  h.writeUInt16LE((45 << 9) | (1 << 5) | 1, 12); // date 2025-01-01
  h.writeUInt32LE(e.descriptor ? 0 : e.crc32, 14);
  h.writeUInt32LE(e.descriptor ? 0 : zip64 ? 0xffffffff : (e.local.compressedSize ?? e.compressedSize), 18);
  h.writeUInt32LE(e.descriptor ? 0 : zip64 ? 0xffffffff : e.size, 22);
  h.writeUInt16LE(name.length, 26);
  h.writeUInt16LE(extra.length, 28);
  return Buffer.concat([h, name, extra]);
}

/** Data descriptor with signature (16 bytes, or 24 with Zip64 sizes). */
export function dataDescriptor(e: Resolved, zip64 = false): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32LE(0x08074b50, 0);
  h.writeUInt32LE(e.crc32, 4);
  if (zip64) return Buffer.concat([h, u64(e.compressedSize), u64(e.size)]);
  const sizes = Buffer.alloc(8);
  sizes.writeUInt32LE(e.compressedSize, 0);
  sizes.writeUInt32LE(e.size, 4);
  return Buffer.concat([h, sizes]);
}

/** Central directory file header (46 bytes + name + extra). */
export function centralRecord(e: Resolved, localHeaderOffset: number, zip64 = false): Buffer {
  const extra = zip64 ? Buffer.concat([extraField(1, Buffer.concat([u64(e.size), u64(e.compressedSize), u64(localHeaderOffset)])), e.extra]) : e.extra;
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(e.versionMadeBy, 4);
  h.writeUInt16LE(zip64 ? 45 : 20, 6);
  h.writeUInt16LE(e.flags, 8);
  h.writeUInt16LE(e.method, 10);
  h.writeUInt16LE(0, 12);
  h.writeUInt16LE((45 << 9) | (1 << 5) | 1, 14);
  h.writeUInt32LE(e.crc32, 16);
  h.writeUInt32LE(zip64 ? 0xffffffff : e.compressedSize, 20);
  h.writeUInt32LE(zip64 ? 0xffffffff : e.size, 24);
  h.writeUInt16LE(e.name.length, 28);
  h.writeUInt16LE(extra.length, 30);
  h.writeUInt16LE(0, 32); // comment length
  h.writeUInt16LE(0, 34); // disk
  h.writeUInt16LE(0, 36); // internal attributes
  h.writeUInt32LE(e.externalAttributes >>> 0, 38);
  h.writeUInt32LE(zip64 ? 0xffffffff : localHeaderOffset, 42);
  return Buffer.concat([h, e.name, extra]);
}

/** End of central directory record, preceded by the Zip64 end record and locator when `zip64`. */
export function endRecords(o: { entryCount: number; centralDirectorySize: number; centralDirectoryOffset: number; zip64?: boolean; comment?: Buffer }): Buffer {
  const comment = o.comment ?? Buffer.alloc(0);
  const parts: Buffer[] = [];
  if (o.zip64) {
    const end64 = Buffer.alloc(56);
    end64.writeUInt32LE(0x06064b50, 0);
    end64.writeBigUInt64LE(44n, 4);
    end64.writeUInt16LE(45, 12);
    end64.writeUInt16LE(45, 14);
    end64.writeBigUInt64LE(BigInt(o.entryCount), 24);
    end64.writeBigUInt64LE(BigInt(o.entryCount), 32);
    end64.writeBigUInt64LE(BigInt(o.centralDirectorySize), 40);
    end64.writeBigUInt64LE(BigInt(o.centralDirectoryOffset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(o.centralDirectoryOffset + o.centralDirectorySize), 8);
    locator.writeUInt32LE(1, 16);
    parts.push(end64, locator);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(o.zip64 ? 0xffff : Math.min(o.entryCount, 0xffff), 8);
  eocd.writeUInt16LE(o.zip64 ? 0xffff : Math.min(o.entryCount, 0xffff), 10);
  eocd.writeUInt32LE(o.zip64 ? 0xffffffff : o.centralDirectorySize, 12);
  eocd.writeUInt32LE(o.zip64 ? 0xffffffff : o.centralDirectoryOffset, 16);
  eocd.writeUInt16LE(comment.length, 20);
  parts.push(eocd, comment);
  return Buffer.concat(parts);
}

/** A whole archive in memory. */
export function rawZip(entries: RawEntry[], options: RawZipOptions = {}): Buffer {
  const zip64 = options.zip64 ?? false;
  const resolved = entries.map(resolveEntry);
  const parts: Buffer[] = [];
  let offset = 0;
  const push = (b: Buffer) => {
    parts.push(b);
    offset += b.length;
  };
  if (options.prefix) push(options.prefix);
  const offsets = resolved.map((e) => {
    const at = offset;
    push(localHeader(e, zip64));
    push(e.data);
    if (e.descriptor) push(dataDescriptor(e, zip64));
    return at;
  });
  if (options.beforeCentralDirectory) push(options.beforeCentralDirectory);
  const centralDirectoryOffset = offset;
  const records: NonNullable<RawZipOptions['central']> = options.central ?? resolved.map((_, of) => ({ of }));
  for (const { of, offsetDelta, ...overrides } of records) {
    const e = resolveEntry({ ...entries[of], ...overrides });
    push(centralRecord(e, offsets[of] + (offsetDelta ?? 0), zip64));
  }
  const centralDirectorySize = offset - centralDirectoryOffset;
  if (options.afterCentralDirectory) push(options.afterCentralDirectory);
  push(
    endRecords({
      entryCount: options.entryCount ?? records.length,
      centralDirectorySize,
      centralDirectoryOffset: options.centralDirectoryOffset ?? centralDirectoryOffset,
      zip64,
      comment: options.comment,
    }),
  );
  return Buffer.concat(parts);
}
