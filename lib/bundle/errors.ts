// Why a bundle (.wave / .zip archive) could not be read: a code for programs, a sentence for the developer.

export type BundleErrorCode =
  | 'NOT_A_ZIP'
  | 'EMPTY'
  | 'TRUNCATED'
  | 'UNSAFE_PATH'
  | 'DUPLICATE_ENTRY'
  | 'UNSUPPORTED_ENTRY'
  | 'ENCRYPTED'
  | 'UNSUPPORTED_COMPRESSION'
  | 'OVERLAPPING_ENTRIES'
  | 'ARCHIVE_TOO_LARGE'
  | 'TOO_MANY_ENTRIES'
  | 'UNCOMPRESSED_TOO_LARGE'
  | 'ENTRY_TOO_LARGE'
  | 'CORRUPT_ENTRY'
  | 'NOT_FOUND';

export class BundleError extends Error {
  constructor(
    readonly code: BundleErrorCode,
    message: string,
    /** The entry the problem is about, as named in the archive (directories end in "/"), when there is one. */
    readonly entry?: string,
  ) {
    super(message);
    this.name = 'BundleError';
  }
}

/**
 * An entry name quoted for a message: JSON escapes make control characters visible,
 * and a hostile 64 KiB name is cut short.
 */
export function quoteEntry(name: string): string {
  const max = 200;
  return JSON.stringify(name.length > max ? `${name.slice(0, max)}…` : name);
}

/** A byte count a person can read: 1536 -> "1.5 KiB". */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} bytes` : `${Number(value.toFixed(1))} ${units[unit]}`;
}
