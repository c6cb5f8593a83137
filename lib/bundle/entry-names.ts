// The rules for entry names in a bundle: what makes a path unsafe to extract, and which names would
// collide on a case-insensitive, Unicode-normalizing file system.
import { BundleError, quoteEntry as q } from './errors';
import type { BundleEntry } from './zip-structure';

/** Longer names cannot be extracted on common file systems (Linux PATH_MAX is 4096, NAME_MAX 255) and only cost memory. */
const MAX_NAME_BYTES = 1024;
const MAX_SEGMENT_BYTES = 255;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Why a name is unsafe to extract (a phrase to follow the entry's name), or undefined when it is safe. */
export function unsafePathReason(name: string): string | undefined {
  if (name === '' || name === '/') return 'has an empty name';
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) return `has a name longer than ${MAX_NAME_BYTES} bytes`;
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) return 'contains a NUL or control character';
  if (name.includes('\\')) return 'contains a backslash ("\\"); zip paths separate folders with "/"';
  if (name.startsWith('/')) return 'is an absolute path (starts with "/")';
  if (/^[A-Za-z]:/.test(name)) return 'starts with a drive letter';
  const segments = (name.endsWith('/') ? name.slice(0, -1) : name).split('/');
  if (segments.includes('..')) return 'escapes the bundle root ("..")';
  if (segments.some((s) => s === '' || s === '.')) return 'has an empty or "." path segment';
  if (segments.some((s) => Buffer.byteLength(s) > MAX_SEGMENT_BYTES)) return `has a file or folder name longer than ${MAX_SEGMENT_BYTES} bytes`;
  return undefined;
}

export function isUtf8(bytes: Buffer): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

interface NameNode {
  parent: NameNode | undefined;
  segment: string;
  isDirectory: boolean;
  /** Listed as an entry, rather than only implied by the paths of the entries inside it. */
  explicit: boolean;
  children?: Map<string, NameNode>;
}

/**
 * Names an extracted bundle would occupy, including the directories that nested paths imply, compared the
 * way case-insensitive and Unicode-normalizing file systems compare them. A tree of path segments keeps this
 * linear in the length of the names, and implied directories count against the entry limit, so deep unique
 * paths cannot make millions of nodes.
 */
export class NameRegistry {
  private readonly root: NameNode = { parent: undefined, segment: '', isDirectory: true, explicit: true };
  private directories = 0;

  constructor(private readonly maxDirectories: number) {}

  claim({ entry, name }: { entry: BundleEntry; name: string }): void {
    const segments = entry.path.split('/');
    let node = this.root;
    segments.forEach((segment, i) => {
      const explicit = i === segments.length - 1;
      const isDirectory = explicit ? entry.isDirectory : true;
      const key = segment.normalize('NFKC').toLowerCase().normalize('NFKC');
      const prev = node.children?.get(key);
      if (!prev) {
        if (isDirectory && (this.directories += 1) > this.maxDirectories) {
          throw new BundleError('TOO_MANY_ENTRIES', `The bundle's paths make more than ${this.maxDirectories} directories (the entry limit), reached at ${q(name)}.`, name);
        }
        const child = { parent: node, segment, isDirectory, explicit };
        (node.children ??= new Map()).set(key, child);
        node = child;
      } else if (prev.segment === segment && prev.isDirectory && isDirectory && !(prev.explicit && explicit)) {
        prev.explicit ||= explicit;
        node = prev;
      } else {
        throw collision(prev, segments.slice(0, i + 1).join('/'), isDirectory, explicit, name);
      }
    });
  }
}

function collision(prev: NameNode, path: string, isDirectory: boolean, explicit: boolean, entryName: string): BundleError {
  const segments: string[] = [];
  for (let n: NameNode | undefined = prev; n?.parent; n = n.parent) segments.unshift(n.segment);
  const prevPath = segments.join('/');
  const alike = prevPath === path ? '' : ` (${howAlike(prevPath, path)})`;
  let message: string;
  if (prev.isDirectory === isDirectory) {
    message = prevPath === path ? `The bundle contains ${q(entryName)} twice.` : `Entries ${q(prevPath)} and ${q(path)} collide${alike}; they would overwrite each other when extracted.`;
  } else if (isDirectory) {
    message = explicit
      ? `Entries ${q(prevPath)} (a file) and ${q(`${path}/`)} (a directory) have the same name${alike}.`
      : `Entry ${q(entryName)} needs ${q(path)} to be a directory, but ${q(prevPath)} is a file${alike}.`;
  } else {
    message = prev.explicit
      ? `Entries ${q(path)} (a file) and ${q(`${prevPath}/`)} (a directory) have the same name${alike}.`
      : `Entry ${q(entryName)} is a file, but other entries use ${q(prevPath)} as a directory${alike}.`;
  }
  return new BundleError('DUPLICATE_ENTRY', message, entryName);
}

function howAlike(a: string, b: string): string {
  const codes = (s: string) => s.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (a.normalize('NFC') === b.normalize('NFC')) return `the same name in two Unicode normalization forms: ${codes(a)} vs ${codes(b)}`;
  if (a.normalize('NFKC') === b.normalize('NFKC')) return `the same name once Unicode compatibility characters are normalized (NFKC): ${codes(a)} vs ${codes(b)}`;
  if (a.toLowerCase() === b.toLowerCase()) return 'they differ only in letter case';
  return 'the same name once letter case and Unicode normalization are ignored';
}
