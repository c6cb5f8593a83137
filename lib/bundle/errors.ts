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

export { formatBytes } from '@/lib/format';
