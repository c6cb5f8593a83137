import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import JSZip from 'jszip';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_BUNDLE_LIMITS, type BundleLimits } from '@/lib/config';
import { BundleError, type BundleErrorCode } from './errors';
import { localHeader, rawZip, resolveEntry, S_IFDIR, S_IFLNK, unicodePathExtra, unixMode, type RawEntry, type RawZipOptions } from './testing/raw-zip';
import { openBundle } from './zip-reader';

const dir = mkdtempSync(path.join(tmpdir(), 'zip-reader-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function file(bytes: Buffer | string): string {
  const p = path.join(dir, `bundle-${(counter += 1)}.wave`);
  writeFileSync(p, bytes);
  return p;
}
const zip = (entries: RawEntry[], options?: RawZipOptions) => file(rawZip(entries, options));
const openFds = () => readdirSync('/proc/self/fd').length;

async function rejection(promise: Promise<unknown>): Promise<BundleError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BundleError);
  return error as BundleError;
}
async function expectOpenFails(p: string, code: BundleErrorCode, entry?: string, limits: BundleLimits = { ...DEFAULT_BUNDLE_LIMITS }) {
  const error = await rejection(openBundle(p, limits));
  expect({ code: error.code, entry: error.entry }).toEqual({ code, entry });
  return error;
}

const appToml = { name: 'app.toml', content: '[App]\nName = "ai.h2o.test"\nVersion = "1.0.0"\n', method: 8 };
/** Offset of the local header that follows app.toml when it is the first entry. */
const afterAppToml = localHeader(resolveEntry(appToml)).length + resolveEntry(appToml).data.length;

describe('reading a well-formed bundle', () => {
  it('lists entries in archive order, normalizes directories and reads files', async () => {
    const z = new JSZip();
    z.file('app.toml', appToml.content);
    z.folder('static')!.file('icon.png', Buffer.from('89504e470d0a1a0a', 'hex'));
    z.file('src/pkg/deep/module.py', 'print("hello")\n'.repeat(50));
    z.file('__MACOSX/._app.toml', 'resource fork');
    const p = file(await z.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', platform: 'UNIX' }));

    const bundle = await openBundle(p);
    try {
      expect(bundle.entries.map((e) => [e.path, e.isDirectory])).toEqual([
        ['app.toml', false],
        ['static', true],
        ['static/icon.png', false],
        ['src', true],
        ['src/pkg', true],
        ['src/pkg/deep', true],
        ['src/pkg/deep/module.py', false],
        ['__MACOSX', true],
        ['__MACOSX/._app.toml', false],
      ]);
      expect(bundle.files.map((e) => e.path)).toEqual(['app.toml', 'static/icon.png', 'src/pkg/deep/module.py', '__MACOSX/._app.toml']);
      expect(bundle.get('src/pkg/deep/module.py')).toMatchObject({ size: 750, isDirectory: false });
      expect(bundle.get('src/pkg/deep/module.py')!.compressedSize).toBeLessThan(750);
      expect(bundle.get('static')).toMatchObject({ isDirectory: true, size: 0 });
      expect(bundle.get('static/')).toBeUndefined();
      expect((await bundle.readFile('app.toml', 1024)).toString()).toBe(appToml.content);
      expect((await bundle.readFile('src/pkg/deep/module.py', 750)).toString()).toBe('print("hello")\n'.repeat(50));
      expect((await bundle.readFile('__MACOSX/._app.toml', 100)).toString()).toBe('resource fork');
      expect(await bundle.readHead('static/icon.png', 4)).toEqual(Buffer.from('89504e47', 'hex'));
      expect(await bundle.readHead('static/icon.png', 100)).toHaveLength(8);
    } finally {
      await bundle.close();
    }
  });

  it('reads Zip64 archives and entries written with data descriptors', async () => {
    const entries: RawEntry[] = [appToml, { name: 'static/' }, { name: 'src/app.py', content: 'x = 1\n'.repeat(1000), method: 8, descriptor: true }];
    for (const zip64 of [false, true]) {
      const bundle = await openBundle(zip(entries, { zip64 }));
      expect(bundle.entries.map((e) => e.path)).toEqual(['app.toml', 'static', 'src/app.py']);
      expect((await bundle.readFile('src/app.py', 6000)).toString()).toBe('x = 1\n'.repeat(1000));
      await bundle.close();
    }
  });

  it('accepts MS-DOS attributes for files and directories', async () => {
    const bundle = await openBundle(
      zip([
        { ...appToml, versionMadeBy: 0x0014, externalAttributes: 0x20 },
        { name: 'static/', versionMadeBy: 0x0014, externalAttributes: 0x10 },
      ]),
    );
    expect(bundle.entries.map((e) => [e.path, e.isDirectory])).toEqual([
      ['app.toml', false],
      ['static', true],
    ]);
    await bundle.close();
  });

  it('reads the head of a file without inflating the rest', async () => {
    const content = Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(4 * 1024 * 1024)]);
    const data = zlib.deflateRawSync(content);
    data.fill(0xff, data.length - 64); // damage the tail: only a full read would notice
    const bundle = await openBundle(zip([appToml, { name: 'static/screenshot.gif', content, data, method: 8 }]));
    expect((await bundle.readHead('static/screenshot.gif', 6)).toString()).toBe('GIF89a');
    expect((await rejection(bundle.readFile('static/screenshot.gif', 8 * 1024 * 1024))).code).toBe('CORRUPT_ENTRY');
    await bundle.close();
  });

  it('refuses paths that are missing or are directories', async () => {
    const bundle = await openBundle(zip([appToml, { name: 'static/' }]));
    expect(await rejection(bundle.readFile('missing.txt', 10))).toMatchObject({ code: 'NOT_FOUND', entry: 'missing.txt' });
    expect(await rejection(bundle.readHead('static', 10))).toMatchObject({ code: 'NOT_FOUND', entry: 'static' });
    await bundle.close();
  });
});

describe('entries that escape the bundle root', () => {
  it.each([
    ['../evil.py', 'escapes the bundle root ("..")'],
    ['src/../../evil.py', 'escapes the bundle root ("..")'],
    ['src/..', 'escapes the bundle root ("..")'],
    ['/etc/cron.d/evil', 'is an absolute path'],
    ['C:/Windows/evil.dll', 'starts with a drive letter'],
    ['C:evil.dll', 'starts with a drive letter'],
    ['..\\evil.py', 'contains a backslash'],
    ['src\\evil.py', 'contains a backslash'],
    ['evil\u0000.py', 'contains a NUL or control character'],
    ['evil\u001b[31m.py', 'contains a NUL or control character'],
    ['evil\u0085.py', 'contains a NUL or control character'],
    ['./app.toml', 'has an empty or "." path segment'],
    ['src//app.py', 'has an empty or "." path segment'],
    ['', 'has an empty name'],
    [`src/${'a'.repeat(1100)}.py`, 'has a name longer than 1024 bytes'],
    [`src/${'\u00e9'.repeat(128)}.py`, 'has a file or folder name longer than 255 bytes'],
    ['\uff0e\uff0e/evil.py', 'escapes the bundle root ("..") once Unicode compatibility characters are normalized'],
    ['..\uff0fevil.py', 'escapes the bundle root ("..") once Unicode compatibility characters are normalized'],
    ['C\uff1a/evil.dll', 'starts with a drive letter once Unicode compatibility characters are normalized'],
  ])('refuses %j', async (name, reason) => {
    const error = await expectOpenFails(zip([appToml, { name, content: 'x' }]), 'UNSAFE_PATH', name);
    expect(error.message).toContain(reason);
  });

  it('names the entry in the message', async () => {
    const error = await expectOpenFails(zip([{ name: '../evil.py', content: 'x' }]), 'UNSAFE_PATH', '../evil.py');
    expect(error.message).toBe('Entry "../evil.py" escapes the bundle root ("..").');
  });

  it('checks the raw bytes of names that are not flagged UTF-8', async () => {
    // cp437 would show byte 0x01 as "☺", but an extractor that writes raw bytes creates a control character.
    await expectOpenFails(zip([appToml, { name: Buffer.from('evil\x01.py', 'latin1'), flags: 0, content: 'x' }]), 'UNSAFE_PATH', 'evil☺.py');
  });

  it('refuses names flagged UTF-8 that are not', async () => {
    const error = await rejection(openBundle(zip([appToml, { name: Buffer.from([0x61, 0xff, 0x2e, 0x70, 0x79]), content: 'x' }])));
    expect(error.code).toBe('UNSAFE_PATH');
    expect(error.message).toContain('not valid UTF-8');
  });

  it('checks both the stored name and an Info-ZIP Unicode Path that replaces it', async () => {
    const stored = Buffer.from('../evil.py');
    await expectOpenFails(zip([appToml, { name: stored, flags: 0, extra: unicodePathExtra(stored, 'fine.py'), content: 'x' }]), 'UNSAFE_PATH', 'fine.py');
    const innocent = Buffer.from('fine.py');
    await expectOpenFails(zip([appToml, { name: innocent, flags: 0, extra: unicodePathExtra(innocent, '../evil.py'), content: 'x' }]), 'UNSAFE_PATH', '../evil.py');
  });
});

describe('entries whose names collide', () => {
  it.each<[string, string[], string]>([
    ['exact duplicates', ['app.toml', 'app.toml'], 'contains "app.toml" twice'],
    ['letter case', ['src/Main.py', 'src/main.py'], 'differ only in letter case'],
    ['letter case of a parent directory', ['Src/a.py', 'src/b.py'], 'differ only in letter case'],
    ['NFC and NFD forms', ['caf\u00e9.py', 'cafe\u0301.py'], 'two Unicode normalization forms'],
    ['NFKC compatibility forms', ['\ufb01le.txt', 'file.txt'], 'NFKC'],
    ['a file and a directory', ['static', 'static/'], '(a file) and "static/" (a directory)'],
    ['a file used as a directory', ['lib', 'lib/util.py'], 'needs "lib" to be a directory, but "lib" is a file'],
    ['a directory then a file of that name', ['lib/util.py', 'lib'], 'is a file, but other entries use "lib" as a directory'],
    ['a directory then a file of that name in other case', ['Lib/util.py', 'lib'], 'is a file, but other entries use "Lib" as a directory (they differ only in letter case)'],
    ['a directory entry then a file of that name', ['static/', 'static'], '"static" (a file) and "static/" (a directory)'],
  ])('refuses %s', async (_, names, message) => {
    const entries = names.map((name) => (name.endsWith('/') ? { name } : { name, content: 'x' }));
    const error = await expectOpenFails(zip([appToml, ...entries]), 'DUPLICATE_ENTRY', names[1]);
    expect(error.message).toContain(message);
  });

  it('accepts a directory listed explicitly as well as implied by its files', async () => {
    const bundle = await openBundle(zip([{ name: 'static/icon.png', content: 'x' }, { name: 'static/' }, appToml]));
    expect(bundle.entries).toHaveLength(3);
    await bundle.close();
  });

  it('refuses a directory listed twice', async () => {
    await expectOpenFails(zip([appToml, { name: 'static/' }, { name: 'static/' }]), 'DUPLICATE_ENTRY', 'static/');
  });
});

describe('entries that are not regular files or directories', () => {
  it.each([
    ['a symbolic link', S_IFLNK | 0o777],
    ['a named pipe (FIFO)', 0o010644],
    ['a character device', 0o020644],
    ['a block device', 0o060644],
    ['a socket', 0o140755],
  ])('refuses %s', async (what, mode) => {
    const error = await expectOpenFails(zip([appToml, { name: 'static/link', content: '/etc/passwd', externalAttributes: unixMode(mode) }]), 'UNSUPPORTED_ENTRY', 'static/link');
    expect(error.message).toContain(what);
  });

  it('refuses an entry whose attributes and name disagree about being a directory', async () => {
    await expectOpenFails(zip([appToml, { name: 'static', externalAttributes: unixMode(S_IFDIR | 0o755) }]), 'UNSUPPORTED_ENTRY', 'static');
    await expectOpenFails(zip([appToml, { name: 'static', versionMadeBy: 0x0014, externalAttributes: 0x10 }]), 'UNSUPPORTED_ENTRY', 'static');
  });

  it('refuses a directory entry that carries data', async () => {
    await expectOpenFails(zip([appToml, { name: 'static/', content: 'hidden', externalAttributes: unixMode(S_IFDIR | 0o755) }]), 'UNSUPPORTED_ENTRY', 'static/');
  });
});

describe('encryption and compression', () => {
  it('refuses encrypted entries', async () => {
    await expectOpenFails(zip([appToml, { name: 'secret.py', content: 'x', method: 8, flags: 0x801 }]), 'ENCRYPTED', 'secret.py');
    await expectOpenFails(zip([appToml, { name: 'aes.py', content: 'x', method: 99, flags: 0x801 }]), 'ENCRYPTED', 'aes.py');
  });

  it('refuses strong encryption, which yauzl reports before the entry', async () => {
    await expectOpenFails(zip([appToml, { name: 'strong.py', content: 'x', method: 8, flags: 0x841 }]), 'ENCRYPTED', 'strong.py');
  });

  it.each([
    [12, 'bzip2'],
    [14, 'LZMA'],
    [93, 'Zstandard'],
    [9, 'deflate64'],
  ])('refuses compression method %i (%s)', async (method, label) => {
    const error = await expectOpenFails(zip([appToml, { name: 'data.bin', content: 'x', data: Buffer.from('xx'), method }]), 'UNSUPPORTED_COMPRESSION', 'data.bin');
    expect(error.message).toContain(label);
  });
});

describe('overlapping entries (the overlapping-files zip bomb)', () => {
  it('refuses central directory records that share one local file', async () => {
    const kernel = { name: 'kernel.txt', content: Buffer.alloc(100_000), method: 8 };
    const central = Array.from({ length: 10 }, (_, i) => ({ of: 0, name: `copy-${i}.txt` }));
    await expectOpenFails(zip([kernel], { central }), 'OVERLAPPING_ENTRIES', 'copy-1.txt');
  });

  it('refuses an entry whose data contains the next entry (quoted overlap)', async () => {
    const a = { name: 'a.txt', content: 'aaaa' };
    const b = { name: 'b.txt', content: 'bbbb' };
    const quoted = 4 + localHeader(resolveEntry(b)).length + 4;
    await expectOpenFails(zip([a, b], { central: [{ of: 0, size: quoted, compressedSize: quoted }, { of: 1 }] }), 'OVERLAPPING_ENTRIES', 'b.txt');
  });

  it('refuses entry data that runs into the central directory', async () => {
    await expectOpenFails(zip([{ name: 'a.txt', content: 'aaaa' }], { central: [{ of: 0, size: 40, compressedSize: 40 }] }), 'OVERLAPPING_ENTRIES', 'a.txt');
  });
});

describe('hidden and inconsistent data', () => {
  it('refuses an end record that declares fewer entries than the central directory holds', async () => {
    const entries = [appToml, { name: 'a.py', content: 'a' }, { name: 'b.py', content: 'b' }];
    const error = await expectOpenFails(zip(entries, { entryCount: 2 }), 'CORRUPT_ENTRY');
    expect(error.message).toContain('more than the 2 entries');
  });

  it('refuses a local file that no central directory record lists', async () => {
    const entries = [appToml, { name: 'hidden.py', content: 'import os' }, { name: 'b.py', content: 'b' }];
    const error = await expectOpenFails(zip(entries, { central: [{ of: 0 }, { of: 2 }] }), 'CORRUPT_ENTRY', 'b.py');
    expect(error.message).toContain('belong to no entry');
  });

  it('refuses bytes before the first entry or before the central directory', async () => {
    await expectOpenFails(zip([appToml], { prefix: Buffer.from('#!/bin/sh\n') }), 'CORRUPT_ENTRY', 'app.toml');
    await expectOpenFails(zip([appToml], { beforeCentralDirectory: Buffer.alloc(100) }), 'CORRUPT_ENTRY');
  });

  it('refuses bytes between the central directory and its end record', async () => {
    const error = await expectOpenFails(zip([appToml], { afterCentralDirectory: Buffer.from('hidden') }), 'CORRUPT_ENTRY');
    expect(error.message).toContain('followed by unexpected bytes');
  });

  it('refuses a local header whose name differs from the central directory', async () => {
    const error = await expectOpenFails(zip([appToml, { name: 'good.py', content: 'x', local: { name: '../evil.py' } }]), 'CORRUPT_ENTRY', 'good.py');
    expect(error.message).toContain('different name in its local header');
  });

  it('refuses a local header whose compression method, encryption flag or size differs', async () => {
    await expectOpenFails(zip([appToml, { name: 'a.py', content: 'x', method: 8, local: { method: 0 } }]), 'CORRUPT_ENTRY', 'a.py');
    await expectOpenFails(zip([appToml, { name: 'a.py', content: 'x', method: 8, local: { flags: 0x801 } }]), 'CORRUPT_ENTRY', 'a.py');
    await expectOpenFails(zip([appToml, { name: 'a.py', content: 'xyz', local: { compressedSize: 1 } }]), 'CORRUPT_ENTRY', 'a.py');
  });

  it('refuses a central directory record that points at no local header', async () => {
    const bytes = rawZip([appToml, { name: 'a.py', content: 'x' }]);
    bytes.write('XX', afterAppToml, 'latin1');
    const error = await expectOpenFails(file(bytes), 'CORRUPT_ENTRY', 'a.py');
    expect(error.message).toContain('no valid local header');
  });

  it('refuses a local header that lies past the end of the file', async () => {
    const entries = [appToml, { name: 'a.py', content: 'x' }];
    const length = rawZip(entries).length;
    await expectOpenFails(zip(entries, { central: [{ of: 0 }, { of: 1, offsetDelta: length - 10 - afterAppToml }] }), 'TRUNCATED', 'a.py');
  });

  it('refuses a stored entry whose compressed and uncompressed sizes differ', async () => {
    await expectOpenFails(zip([appToml, { name: 'a.py', content: 'xyz', size: 5 }]), 'CORRUPT_ENTRY', 'a.py');
  });
});

describe('input that is not a usable zip', () => {
  it('refuses an empty file and an archive without entries', async () => {
    await expectOpenFails(file(''), 'EMPTY');
    await expectOpenFails(zip([]), 'EMPTY');
    await expectOpenFails(file(await new JSZip().generateAsync({ type: 'nodebuffer' })), 'EMPTY');
  });

  it('refuses files that are not zip archives', async () => {
    await expectOpenFails(file('[App]\nName = "not a zip"\n'), 'NOT_A_ZIP');
    await expectOpenFails(file(Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')), 'NOT_A_ZIP');
  });

  it('refuses an archive cut short', async () => {
    const whole = rawZip([appToml, { name: 'src/app.py', content: 'x'.repeat(1000) }]);
    for (const length of [10, 100, whole.length - 30, whole.length - 1]) {
      await expectOpenFails(file(whole.subarray(0, length)), 'TRUNCATED');
    }
  });

  it('refuses an end record whose comment is cut short', async () => {
    const whole = rawZip([appToml], { comment: Buffer.from('built by hand') });
    await expectOpenFails(file(whole.subarray(0, whole.length - 3)), 'TRUNCATED');
  });

  it('refuses a central directory or entry data past the end of the file', async () => {
    await expectOpenFails(zip([appToml], { centralDirectoryOffset: 1_000_000 }), 'TRUNCATED');
    await expectOpenFails(zip([appToml, { name: 'a.bin', content: 'x', method: 8 }], { central: [{ of: 0 }, { of: 1, compressedSize: 1_000_000 }] }), 'TRUNCATED', 'a.bin');
  });
});

describe('limits', () => {
  const limits = (overrides: Partial<BundleLimits>): BundleLimits => ({ ...DEFAULT_BUNDLE_LIMITS, ...overrides });

  it('refuses an archive file over BUNDLE_MAX_BYTES before reading it', async () => {
    const p = zip([appToml, { name: 'a.py', content: 'x'.repeat(200) }]);
    await expectOpenFails(p, 'ARCHIVE_TOO_LARGE', undefined, limits({ BUNDLE_MAX_BYTES: 200 }));
  });

  it('refuses more entries than BUNDLE_MAX_ENTRIES', async () => {
    const entries = [appToml, ...Array.from({ length: 4 }, (_, i) => ({ name: `f${i}.py`, content: 'x' }))];
    await expectOpenFails(zip(entries), 'TOO_MANY_ENTRIES', undefined, limits({ BUNDLE_MAX_ENTRIES: 4 }));
  });

  it('refuses 200,000 declared entries from the end record alone', async () => {
    // The central directory is garbage: reading a single record would fail differently.
    const p = zip([appToml], { zip64: true, entryCount: 200_000 });
    // No clock needed: with a garbage central directory, only the end record can yield this refusal.
    const error = await expectOpenFails(p, 'TOO_MANY_ENTRIES');
    expect(error.message).toContain('200000');
  });

  it('counts the directories that paths imply against BUNDLE_MAX_ENTRIES', async () => {
    const deep = { name: 'a/b/c/d/e/f/module.py', content: 'x' };
    await expectOpenFails(zip([appToml, deep]), 'TOO_MANY_ENTRIES', deep.name, limits({ BUNDLE_MAX_ENTRIES: 5 }));
    const bundle = await openBundle(zip([appToml, deep]), limits({ BUNDLE_MAX_ENTRIES: 6 }));
    await bundle.close();
  });

  it('refuses thousands of deep, distinct paths quickly', async () => {
    // 20,000 entries each 500 folders deep would be ten million implied directories.
    const entries = Array.from({ length: 20_000 }, (_, i) => ({ name: `d${i}/${'a/'.repeat(500)}x` }));
    const p = zip(entries);
    const started = Date.now();
    await expectOpenFails(p, 'TOO_MANY_ENTRIES', entries[39].name);
    // A generous margin for a busy 2-core machine (well under a second idle); walking every implied
    // directory would take minutes. Precise timings belong to `npm run bench:validate`.
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('refuses a total declared uncompressed size over BUNDLE_MAX_UNCOMPRESSED_BYTES', async () => {
    const entries = [
      { name: 'a.bin', content: Buffer.alloc(600), method: 8 },
      { name: 'b.bin', content: Buffer.alloc(600), method: 8 },
    ];
    await expectOpenFails(zip(entries), 'UNCOMPRESSED_TOO_LARGE', 'b.bin', limits({ BUNDLE_MAX_UNCOMPRESSED_BYTES: 1000 }));
  });

  it('refuses to read a file whose declared size is over the cap, before inflating it', async () => {
    // Only 10 bytes are really there: inflating would end in CORRUPT_ENTRY, not ENTRY_TOO_LARGE.
    const bundle = await openBundle(zip([appToml, { name: 'big.toml', content: 'x'.repeat(10), method: 8, size: 2000 }]));
    const error = await rejection(bundle.readFile('big.toml', 1000));
    expect(error).toMatchObject({ code: 'ENTRY_TOO_LARGE', entry: 'big.toml' });
    expect(error.message).toBe('"big.toml" is 2 KiB; the limit is 1000 bytes.');
    await bundle.close();
  });

  it('stops inflating a file whose header understates its size once the output passes the cap', async () => {
    const bomb = { name: 'app.toml', content: Buffer.alloc(64 * 1024 * 1024, 0x20), method: 8, size: 100 };
    const bundle = await openBundle(zip([bomb]));
    const error = await rejection(bundle.readFile('app.toml', 256 * 1024));
    expect(error).toMatchObject({ code: 'ENTRY_TOO_LARGE', entry: 'app.toml' });
    expect(error.message).toContain('inflates to more than');
    await bundle.close();
  });

  it('refuses a file that inflates to a different size than declared, or fails its checksum', async () => {
    const bundle = await openBundle(
      zip([
        { name: 'short.py', content: 'x'.repeat(100), method: 8, size: 200 },
        { name: 'long.py', content: 'x'.repeat(100), method: 8, size: 50 },
        { name: 'crc.py', content: 'print(1)', method: 8, crc32: 1234 },
        { name: 'garbage.py', content: 'x', data: Buffer.from('not deflate at all'), method: 8 },
      ]),
    );
    for (const name of ['short.py', 'long.py', 'crc.py', 'garbage.py']) {
      expect(await rejection(bundle.readFile(name, 1000))).toMatchObject({ code: 'CORRUPT_ENTRY', entry: name });
    }
    await bundle.close();
  });
});

describe('verifyContents', () => {
  it('refuses a bomb in an entry nobody reads, stopping just past its declared size', async () => {
    const bomb = { name: 'data/zeros.bin', content: Buffer.alloc(64 * 1024 * 1024), method: 8, size: 1024 * 1024 };
    const bundle = await openBundle(zip([{ name: 'app.toml', content: 'x' }, bomb]));
    const error = await rejection(bundle.verifyContents());
    expect(error).toMatchObject({ code: 'CORRUPT_ENTRY', entry: 'data/zeros.bin' });
    expect(error.message).toMatch(/inflates to more than the 1 MiB its header declares/);
    await bundle.close();
  });

  it('refuses a stored entry whose sizes disagree, and passes honest archives', async () => {
    const honest = await openBundle(zip([{ name: 'a.py', content: 'x'.repeat(5000), method: 8 }, { name: 'b.bin', content: 'stored' }]));
    await expect(honest.verifyContents()).resolves.toBeUndefined();
    await honest.close();
    const corrupt = await openBundle(zip([{ name: 'c.py', content: 'x'.repeat(100), method: 8, crc32: 99 }]));
    expect(await rejection(corrupt.verifyContents())).toMatchObject({ code: 'CORRUPT_ENTRY', entry: 'c.py' });
    await corrupt.close();
  });
});

describe('file descriptors', () => {
  it('releases the file when openBundle throws and when the bundle is closed', async () => {
    const bad = [file(''), file('not a zip'), zip([{ name: '../evil.py', content: 'x' }]), zip([{ name: 'a', content: 'a' }], { central: [{ of: 0 }, { of: 0, name: 'b' }] })];
    const before = openFds();
    for (const p of bad) await rejection(openBundle(p));
    expect(openFds()).toBe(before);

    const bundle = await openBundle(zip([appToml]));
    expect(openFds()).toBe(before + 1);
    await bundle.close();
    await bundle.close();
    expect(openFds()).toBe(before);
    await expect(bundle.readFile('app.toml', 1000)).rejects.toThrow(/closed/);
  });

  it('stops a read in flight when the bundle is closed, and still releases the file', async () => {
    const before = openFds();
    const bundle = await openBundle(zip([{ name: 'big.bin', content: Buffer.alloc(8 * 1024 * 1024, 1) }]));
    const reading = bundle.readFile('big.bin', 16 * 1024 * 1024).catch((e: Error) => e.message);
    await bundle.close();
    expect(openFds()).toBe(before);
    expect(await reading).toBe('The bundle is closed.');
  });
});
