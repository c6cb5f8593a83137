import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, afterEach, describe, expect, test, vi } from 'vitest';
import { inspectBundle } from './inspect';

// Count opened and closed readers, to prove inspectBundle closes every one it opens.
const readers = vi.hoisted(() => ({ opened: 0, closed: 0 }));
vi.mock('./zip-reader', async (importOriginal) => {
  const real = await importOriginal<typeof import('./zip-reader')>();
  return {
    ...real,
    openBundle: async (...args: Parameters<typeof real.openBundle>) => {
      const reader = await real.openBundle(...args);
      readers.opened++;
      return {
        ...reader,
        entries: reader.entries,
        files: reader.files,
        close: async () => {
          readers.closed++;
          await reader.close();
        },
      };
    },
  };
});

const dir = mkdtempSync(path.join(os.tmpdir(), 'inspect-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => expect(readers.closed).toBe(readers.opened));

let counter = 0;
/** Writes a .wave with these files (null: an empty directory entry) and returns its path. */
async function bundle(files: Record<string, string | Uint8Array | null>): Promise<string> {
  const zip = new JSZip();
  for (const [name, content] of Object.entries(files)) {
    if (content === null) zip.folder(name);
    else zip.file(name, content);
  }
  const file = path.join(dir, `bundle-${++counter}.wave`);
  writeFileSync(file, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
  return file;
}

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1]);
const GIF = new TextEncoder().encode('GIF89a\x01\x00\x01\x00\x00\x00\x00');
const WEBP = new TextEncoder().encode('RIFF\x24\x00\x00\x00WEBPVP8 ');

const appToml = (extra = '', runtime = '[Runtime]\nModule = "src.app"\n') =>
  `[App]\nName = "ai.h2o.test"\nVersion = "1.0.0"\nTitle = "Test"\n${extra}\n${runtime}`;

const paths = (problems: { path: string }[]) => problems.map((p) => p.path);

describe('a complete bundle', () => {
  test('is read in full', async () => {
    const file = await bundle({
      'app.toml': appToml('LongDescription = "./docs/about.md"'),
      'docs/about.md': '### About\n* fast',
      'src/app.py': 'print("hi")',
      'static/icon.png': PNG,
      'static/screenshot10.gif': GIF,
      'static/screenshot2.webp': WEBP,
      'static/screenshot1.jpg': JPEG,
      'static/data/': null,
      'requirements.txt': '# pinned\nh2o-wave==1.0.0\n\npandas>=2  # tables\ngit+https://github.com/x/y.git#egg=y\n',
      'packages.txt': 'libgl1\r\n# for opencv\r\nffmpeg\r\n',
    });
    const result = await inspectBundle(file);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.manifest).toMatchObject({
      name: 'ai.h2o.test',
      longDescriptionPath: 'docs/about.md',
      icon: 'static/icon.png',
      screenshots: ['static/screenshot1.jpg', 'static/screenshot2.webp', 'static/screenshot10.gif'],
    });
    expect(result.longDescription).toBe('### About\n* fast');
    expect(result.requirements).toEqual(['h2o-wave==1.0.0', 'pandas>=2', 'git+https://github.com/x/y.git#egg=y']);
    expect(result.packages).toEqual(['libgl1', 'ffmpeg']);
    expect(result.files).toContain('src/app.py');
    expect(result.files).not.toContain('static/data');
    expect(result.images).toEqual([]); // only kept when asked
  });

  test('hands over the accepted images when asked, from the one opening', async () => {
    const file = await bundle({ 'app.toml': appToml(), 'static/icon.png': PNG, 'static/screenshot1.jpg': JPEG, 'static/screenshot2.png': 'not an image' });
    const opened = readers.opened;
    const result = await inspectBundle(file, { keepImages: true });
    expect(readers.opened - opened).toBe(1);
    expect(result.ok).toBe(true);
    expect(result.images.map(({ kind, position, path, contentType }) => ({ kind, position, path, contentType }))).toEqual([
      { kind: 'icon', position: 0, path: 'static/icon.png', contentType: 'image/png' },
      { kind: 'screenshot', position: 0, path: 'static/screenshot1.jpg', contentType: 'image/jpeg' },
    ]);
    expect(Buffer.from(result.images[0].bytes).equals(Buffer.from(PNG))).toBe(true);
    expect(Buffer.from(result.images[1].bytes).equals(Buffer.from(JPEG))).toBe(true);
    expect(paths(result.warnings)).toEqual(['static/screenshot2.png']);
  });
});

describe('the archive itself', () => {
  test('a file that is not a zip is one error, not a throw', async () => {
    const file = path.join(dir, 'not-a-zip.wave');
    writeFileSync(file, '[App]\nName = "x"\n');
    const result = await inspectBundle(file);
    expect(result).toMatchObject({ ok: false, manifest: null, files: [] });
    expect(paths(result.errors)).toEqual(['bundle']);
  });

  test('a limit the archive breaks is one error naming it', async () => {
    const file = await bundle({ 'app.toml': appToml(), 'a.txt': 'a', 'b.txt': 'b' });
    const result = await inspectBundle(file, { limits: { BUNDLE_MAX_ENTRIES: 2 } });
    expect(paths(result.errors)).toEqual(['bundle']);
    expect(result.errors[0].message).toContain('entries');
  });
});

describe('app.toml', () => {
  test('missing at the root, with a hint when it is one folder down', async () => {
    const result = await inspectBundle(await bundle({ 'myapp/app.toml': appToml(), 'myapp/static/icon.png': PNG }));
    expect(result.ok).toBe(false);
    expect(paths(result.errors)).toEqual(['app.toml']);
    expect(result.errors[0].message).toContain('"myapp/app.toml"');
  });

  test('named in another case', async () => {
    const result = await inspectBundle(await bundle({ 'App.toml': appToml(), 'static/icon.png': PNG }));
    expect(result.errors[0].message).toContain('lowercase');
  });

  test('larger than APP_TOML_MAX_BYTES', async () => {
    const result = await inspectBundle(await bundle({ 'app.toml': appToml(`# ${'x'.repeat(500)}`), 'static/icon.png': PNG }), {
      limits: { APP_TOML_MAX_BYTES: 200 },
    });
    expect(paths(result.errors)).toEqual(['app.toml']);
  });

  test('invalid: the manifest’s problems are reported and the rest of the bundle is still checked', async () => {
    const result = await inspectBundle(await bundle({ 'app.toml': '[App]\nName = "x"\nVersion = "1.0"\n', 'static/icon.png': 'not a png' }));
    expect(result.ok).toBe(false);
    expect(result.manifest).toBeNull();
    expect(paths(result.errors)).toEqual(['App.Version', 'Runtime.Module']);
    expect(paths(result.warnings)).toEqual(['static/icon.png']);
    expect(result.files).toEqual(['app.toml', 'static/icon.png']);
  });

  test('options reach the manifest validator', async () => {
    const file = await bundle({ 'app.toml': `${appToml()}\n[[Env]]\nName = "H2O_WAVE_X"\nValue = "1"\n`, 'static/icon.png': PNG });
    expect((await inspectBundle(file, { allowedCoreEnvRegexes: [] })).ok).toBe(false);
    expect((await inspectBundle(file, { allowedCoreEnvRegexes: [/^H2O_WAVE_X$/] })).ok).toBe(true);
  });
});

describe('LongDescription', () => {
  const withLong = (files: Record<string, string | Uint8Array>) =>
    bundle({ 'app.toml': appToml('LongDescription = "about.md"'), 'static/icon.png': PNG, ...files });

  test('must exist (names are case-sensitive)', async () => {
    const result = await inspectBundle(await withLong({ 'About.md': '# hi' }));
    expect(paths(result.errors)).toEqual(['App.LongDescription']);
    expect(result.errors[0].message).toContain('"About.md"');
    expect(result.manifest).toBeNull();
  });

  test('must be UTF-8', async () => {
    const result = await inspectBundle(await withLong({ 'about.md': new Uint8Array([0x63, 0x61, 0x66, 0xe9]) }));
    expect(paths(result.errors)).toEqual(['App.LongDescription']);
    expect(result.longDescription).toBeNull();
  });

  test('must fit LONG_DESCRIPTION_MAX_BYTES', async () => {
    const result = await inspectBundle(await withLong({ 'about.md': 'x'.repeat(2000) }), { limits: { LONG_DESCRIPTION_MAX_BYTES: 1000 } });
    expect(paths(result.errors)).toEqual(['about.md']);
  });
});

describe('icon and screenshots', () => {
  test('an icon whose bytes are not PNG or JPEG is a warning and not used; the next candidate is', async () => {
    const result = await inspectBundle(
      await bundle({ 'app.toml': appToml(), 'static/icon.png': '<svg/>', 'static/icon2.jpg': JPEG, 'static/icon3.png': PNG }),
    );
    expect(result.ok).toBe(true);
    expect(result.manifest?.icon).toBe('static/icon2.jpg');
    expect(paths(result.warnings)).toEqual(['static/icon.png', 'static/icon3.png']);
    expect(result.warnings[0].message).toContain('PNG or JPEG');
  });

  test('a GIF icon is not used; no icon at all is a warning', async () => {
    const gif = await inspectBundle(await bundle({ 'app.toml': appToml(), 'static/icon.gif': GIF }));
    expect(gif.manifest?.icon).toBeNull();
    expect(gif.warnings[0].message).toContain('it is a GIF image');
    const none = await inspectBundle(await bundle({ 'app.toml': appToml(), 'icon.png': PNG, 'static/img/icon.png': PNG }));
    expect(none.manifest?.icon).toBeNull();
    expect(paths(none.warnings)).toEqual(['bundle']);
  });

  test('a wrongly cased name is pointed out', async () => {
    const result = await inspectBundle(await bundle({ 'app.toml': appToml(), 'static/Icon.png': PNG }));
    expect(paths(result.warnings)).toEqual(['static/Icon.png', 'bundle']);
  });

  test('screenshots that are not images, or too large, are skipped with a warning', async () => {
    const result = await inspectBundle(
      await bundle({
        'app.toml': appToml(),
        'static/icon.png': PNG,
        'static/screenshot-a.png': 'plain text',
        'static/screenshot-b.png': new Uint8Array([...PNG, ...new Uint8Array(100)]),
        'static/screenshot-c.png': PNG,
      }),
      { limits: { IMAGE_MAX_BYTES: 50 } },
    );
    expect(result.ok).toBe(true);
    expect(result.manifest?.screenshots).toEqual(['static/screenshot-c.png']);
    expect(paths(result.warnings)).toEqual(['static/screenshot-a.png', 'static/screenshot-b.png']);
  });
});

describe('dependency lists and code', () => {
  test('a LINK bundle with source code and requirements.txt gets a warning', async () => {
    const result = await inspectBundle(
      await bundle({
        'app.toml': '[App]\nName = "ai.h2o.link"\nVersion = "0.0.1"\nInstanceLifecycle = "LINK"\n[Link]\nAddress = "https://h2o.ai"\n',
        'static/icon.png': PNG,
        'app.py': 'x',
        'requirements.txt': 'h2o-wave',
      }),
    );
    expect(result.ok).toBe(true);
    expect(paths(result.warnings)).toEqual(['bundle']);
    expect(result.warnings[0].message).toMatch(/LINK.*"app\.py".*"requirements\.txt"/);
  });

  test('a container bundle with Python files gets a warning; a Wave bundle does not', async () => {
    const files = { 'static/icon.png': PNG, 'server/main.py': 'x', 'notebook.ipynb': '{}' };
    const container = await inspectBundle(await bundle({ 'app.toml': appToml('', '[Runtime]\nAppMode = "container"\n'), ...files }));
    expect(container.warnings.map((w) => w.message).join()).toMatch(/container.*"server\/main\.py".*"notebook\.ipynb"/);
    const wave = await inspectBundle(await bundle({ 'app.toml': appToml(), ...files }));
    expect(wave.warnings).toEqual([]);
  });

  test('a wheel named in requirements.txt must be in the bundle', async () => {
    const result = await inspectBundle(
      await bundle({
        'app.toml': appToml(),
        'static/icon.png': PNG,
        'requirements.txt': './wheels/a-1.0-py3-none-any.whl\nwheels/b-1.0-py3-none-any.whl\nhttps://x.io/c-1.0-py3-none-any.whl\n',
        'wheels/a-1.0-py3-none-any.whl': 'PK',
      }),
    );
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0].message).toContain('wheels/b-1.0');
  });

  test('a dependency list that is not UTF-8 is an error', async () => {
    const result = await inspectBundle(
      await bundle({ 'app.toml': appToml(), 'static/icon.png': PNG, 'packages.txt': new Uint8Array([0xff, 0xfe, 0x61, 0]) }),
    );
    expect(paths(result.errors)).toEqual(['packages.txt']);
    expect(result.packages).toEqual([]);
  });
});

test('the reader is closed even when inspection fails unexpectedly', async () => {
  const exploding = { test: () => { throw new Error('boom'); }, lastIndex: 0 } as unknown as RegExp;
  const file = await bundle({ 'app.toml': `${appToml()}\n[[Env]]\nName = "H2O_WAVE_X"\nValue = "1"\n` });
  await expect(inspectBundle(file, { allowedCoreEnvRegexes: [exploding] })).rejects.toThrow('boom');
});

describe('entries the inspection does not otherwise read', () => {
  test('a compressed entry whose header understates its size is refused by name', async () => {
    const { rawZip } = await import('./testing/raw-zip');
    const file = path.join(dir, 'hidden-bomb.wave');
    writeFileSync(
      file,
      rawZip([
        { name: 'app.toml', content: appToml() },
        { name: 'data/zeros.bin', content: Buffer.alloc(8 * 1024 * 1024), method: 8, size: 1024 },
      ]),
    );
    const result = await inspectBundle(file);
    expect(result.ok).toBe(false);
    expect(result.manifest).toBeNull();
    expect(result.errors).toEqual([expect.objectContaining({ path: 'data/zeros.bin' })]);
  });
});

describe('packages.txt', () => {
  test('accepts Debian package names, with arch and version', async () => {
    const file = await bundle({ 'app.toml': appToml(), 'packages.txt': '# system libraries\nlibgomp1\nlibgl1-mesa-glx:amd64\ng++=4:12.2.0-3\n' });
    const result = await inspectBundle(file);
    expect(result.errors).toEqual([]);
    expect(result.packages).toEqual(['libgomp1', 'libgl1-mesa-glx:amd64', 'g++=4:12.2.0-3']);
  });

  test('refuses lines that are not package names, naming each', async () => {
    const file = await bundle({ 'app.toml': appToml(), 'packages.txt': 'curl\ncurl; rm -rf /\n--allow-unauthenticated evil\nPython3\n' });
    const result = await inspectBundle(file);
    expect(result.ok).toBe(false);
    expect(paths(result.errors)).toEqual(['packages.txt[1]', 'packages.txt[2]', 'packages.txt[3]']);
  });
});
