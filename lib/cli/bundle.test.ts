import { mkdir, mkdtemp, readdir, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateManifest } from '../manifest';
import { main } from './main';
import { memoryIo, readZip } from './test-helpers';

// A 1×1 PNG, so the icon is a real image.
const ICON = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

const APP_TOML = `[App]
Name = "ai.h2o.wave.cli-test"
Version = "0.1.0"
Title = "CLI test"
Description = "An app folder for the bundle command's tests"

[Runtime]
Module = "app"
`;

// Lines from real .appignore files (h2oai/wave-apps, mtanco/wave-template), plus a negation.
const APPIGNORE = `# Byte-compiled / optimized / DLL files
__pycache__/
*.py[cod]
venv/

*.log
!keep.log
`;

let root: string;
let app: string;

async function put(file: string, content: string | Buffer = `${file}\n`) {
  await mkdir(path.dirname(path.join(app, file)), { recursive: true });
  await writeFile(path.join(app, file), content);
}

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'appstore-bundle-'));
  app = path.join(root, 'my-app');
  await put('app.toml', APP_TOML);
  await put('.appignore', APPIGNORE);
  await put('app.py', 'from h2o_wave import main, app\n');
  await put('requirements.txt', 'h2o-wave\n');
  await put('static/icon.png', ICON);
  await put('pkg/model.py');
  await put('pkg/model.pyc');
  await put('pkg/__pycache__/model.cpython-310.pyc');
  await put('__pycache__/app.cpython-310.pyc');
  await put('venv/bin/python');
  await put('server.log');
  await put('keep.log');
  await put('.git/HEAD', 'ref: refs/heads/main\n');
  await put('.git/objects/ab/cdef');
  await put('ai.h2o.wave.cli-test.0.0.9.wave', 'an earlier bundle');
});
afterEach(() => rm(root, { recursive: true, force: true }));

const EXPECTED = ['.appignore', 'app.py', 'app.toml', 'keep.log', 'pkg/model.py', 'requirements.txt', 'static/icon.png'];

async function run(args: string[], cwd = root) {
  const io = memoryIo({ cwd });
  const code = await main(['bundle', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('appstore bundle', () => {
  it('writes <Name>.<Version>.wave in the current directory with what .appignore keeps', async () => {
    const { code, out, err } = await run(['my-app']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toMatch(/^ai\.h2o\.wave\.cli-test\.0\.1\.0\.wave: 7 files, /);

    const entries = await readZip(path.join(root, 'ai.h2o.wave.cli-test.0.1.0.wave'));
    expect(entries.map((e) => e.name)).toEqual(EXPECTED);
    expect(entries.every((e) => e.method === 8)).toBe(true);
    expect(entries.find((e) => e.name === 'static/icon.png')!.data.equals(ICON)).toBe(true);
  });

  it('bundles the current directory by default and leaves out its own output and earlier bundles', async () => {
    expect((await run([], app)).code).toBe(0);
    // Again, now that the first bundle (same name) sits in the folder.
    const { code } = await run([], app);
    expect(code).toBe(0);
    const entries = await readZip(path.join(app, 'ai.h2o.wave.cli-test.0.1.0.wave'));
    expect(entries.map((e) => e.name)).toEqual(EXPECTED);
  });

  it('writes where -o says, even inside the app folder under a name that is not .wave', async () => {
    const { code } = await run(['my-app', '-o', 'my-app/dist.zip']);
    expect(code).toBe(0);
    expect((await readZip(path.join(app, 'dist.zip'))).map((e) => e.name)).toEqual(EXPECTED);
  });

  it('gives the same archive for the same folder', async () => {
    await run(['my-app', '-o', 'one.wave']);
    await run(['my-app', '-o', 'two.wave']);
    expect((await readFile(path.join(root, 'one.wave'))).equals(await readFile(path.join(root, 'two.wave')))).toBe(true);
  });

  it('skips symbolic links with a warning instead of following them out of the folder', async () => {
    await symlink('/etc', path.join(app, 'etc'));
    await symlink('/etc/hostname', path.join(app, 'static', 'screenshot1.png'));
    const { code, err } = await run(['my-app']);
    expect(code).toBe(0);
    expect(err).toContain('skipping etc: symbolic link');
    expect(err).toContain('skipping static/screenshot1.png: symbolic link');
    const names = (await readZip(path.join(root, 'ai.h2o.wave.cli-test.0.1.0.wave'))).map((e) => e.name);
    expect(names).toEqual(EXPECTED);
  });

  it('refuses an app.toml that does not validate, printing every problem, and writes nothing', async () => {
    const broken = APP_TOML.replace('Version = "0.1.0"', 'Version = "1.0"').replace('Module = "app"', '');
    await put('app.toml', broken);
    const expected = validateManifest(broken).errors;
    expect(expected.length).toBeGreaterThanOrEqual(2);

    const { code, out, err } = await run(['my-app']);
    expect(code).toBe(1);
    expect(out).toBe('');
    for (const problem of expected) expect(err).toContain(`${problem.path}: ${problem.message}`);
    expect((await readdir(root)).sort()).toEqual(['my-app']);
  });

  it('refuses a bundle the portal would refuse and leaves no file behind', async () => {
    // app.toml names a LongDescription that .appignore leaves out.
    await put('app.toml', APP_TOML.replace('[Runtime]', 'LongDescription = "about.md"\n\n[Runtime]'));
    await put('about.md', '### About\n');
    await put('.appignore', `${APPIGNORE}about.md\n`);
    const { code, err } = await run(['my-app']);
    expect(code).toBe(1);
    expect(err).toContain('about.md');
    expect((await readdir(root)).sort()).toEqual(['my-app']);
  });

  it('says so when the folder has no app.toml', async () => {
    const { code, err } = await run(['.']);
    expect(code).toBe(1);
    expect(err).toBe(`appstore bundle: ${await realpath(root)} has no app.toml\n`);
  });
});
