// Removing Python environments nothing needs (RUNNER_DIR/venvs/<key>), with real directories: those a prepared
// version records, a live instance uses or a build is writing stay; leftovers of crashed builds go; nothing
// outside RUNNER_DIR is touched, whatever links point there.
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addSandboxOwnedFile, runnerDirsPerTest } from '@/lib/testing/runner-dirs';
import { InstanceLog } from './logs';
import { choosePython, ensureVenv, removePreparedApp, sweepPreparedApps, venvKeyOf, venvMarkerPath } from './prepare';
import { sweepVenvs } from './venv-sweep';

let root = '';
let outside = '';
runnerDirsPerTest((dirs) => ({ root, outside } = dirs));

const key = (c: string) => c.repeat(32);
const venvs = () => path.join(root, 'venvs');

/** An environment as a build leaves it, with files owned by the sandbox's build user where the test may chown. */
function environment(name: string): string {
  const dir = path.join(venvs(), name);
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'pyvenv.cfg'), 'home = /usr/bin\n');
  fs.symlinkSync('/usr/bin/python3', path.join(dir, 'bin', 'python'));
  addSandboxOwnedFile(dir, 'lib', 'built-by-sandbox', 200_000);
  return dir;
}

/** A prepared app version (its extracted bundle) recording the environment keys it uses. */
function preparedVersion(keys: string[] | null, files: Record<string, string> = { 'app.py': 'print(1)' }): string {
  const id = randomUUID();
  const dir = path.join(root, 'apps', id);
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  if (keys) fs.writeFileSync(venvMarkerPath(dir), keys.map((k) => `${k}\n`).join(''));
  return id;
}

describe('the sweep of Python environments', () => {
  it('removes environments no prepared version records and no live instance uses, and keeps the others', async () => {
    preparedVersion([key('a')]);
    preparedVersion([`host-${key('b')}`, key('c')]);
    for (const k of [key('a'), `host-${key('b')}`, key('c'), key('d'), key('e'), `host-${key('f')}`]) environment(k);
    fs.writeFileSync(path.join(venvs(), 'README'), 'not an environment');
    const asked: string[] = [];
    const swept = await sweepVenvs(root, (k) => {
      asked.push(k);
      return k === key('d');
    });
    expect(swept).toEqual({ environments: 2, leftovers: 0 });
    expect(fs.readdirSync(venvs()).sort()).toEqual([key('a'), `host-${key('b')}`, key('c'), key('d'), 'README'].sort());
    expect(asked).toContain(key('e'));
    expect(await sweepVenvs(root, () => false)).toEqual({ environments: 1, leftovers: 0 }); // the instance is gone: d goes
  });

  it('removes an environment once the version that recorded it is removed', async () => {
    const id = preparedVersion([key('a')]);
    environment(key('a'));
    expect(await sweepVenvs(root, () => false)).toEqual({ environments: 0, leftovers: 0 });
    await removePreparedApp(root, id);
    expect(fs.existsSync(venvMarkerPath(path.join(root, 'apps', id)))).toBe(false);
    expect(await sweepVenvs(root, () => false)).toEqual({ environments: 1, leftovers: 0 });
    expect(fs.readdirSync(venvs())).toEqual([]);
  });

  it('removes the records of versions the prepared-apps sweep finds gone, so their environments go next', async () => {
    const kept = preparedVersion([key('a')]);
    const gone = preparedVersion([key('b')]);
    environment(key('a'));
    environment(key('b'));
    expect(await sweepPreparedApps(root, (id) => id === kept)).toBe(1); // the bundle (its record goes with it)
    expect(fs.readdirSync(path.join(root, 'apps')).sort()).toEqual([kept, `${kept}.venv-key`].sort());
    expect(gone).not.toBe(kept);
    expect(await sweepVenvs(root, () => false)).toEqual({ environments: 1, leftovers: 0 });
    expect(fs.readdirSync(venvs())).toEqual([key('a')]);
  });

  it('removes the directories of builds that are over and of interrupted removals', async () => {
    const crashed = environment(`${key('a')}.tmp-${randomUUID()}`);
    const crashedHost = environment(`host-${key('b')}.tmp-${randomUUID()}`);
    const interrupted = environment(`${key('c')}.removing-${randomUUID()}`);
    const unknown = environment(`${key('d')}.tmp-not-a-uuid`);
    preparedVersion([key('a')]); // a recorded key does not keep a dead build's directory
    expect(await sweepVenvs(root, () => true)).toEqual({ environments: 0, leftovers: 3 });
    for (const dir of [crashed, crashedHost, interrupted]) expect(fs.existsSync(dir)).toBe(false);
    expect(fs.existsSync(unknown)).toBe(true);
  });

  it('never follows links out of RUNNER_DIR', async () => {
    // An environment that is a link, and links inside one: removed themselves, their targets stay.
    fs.mkdirSync(venvs());
    fs.symlinkSync(outside, path.join(venvs(), key('a')));
    const dir = environment(key('b'));
    fs.symlinkSync(outside, path.join(dir, 'escape'));
    fs.symlinkSync(path.join(outside, 'precious.txt'), path.join(dir, 'bin', 'file-link'));
    expect(await sweepVenvs(root, () => false)).toEqual({ environments: 2, leftovers: 0 });
    expect(fs.readdirSync(venvs())).toEqual([]);
    expect(fs.readdirSync(outside)).toEqual(['precious.txt']);
    expect(fs.readFileSync(path.join(outside, 'precious.txt'), 'utf8')).toBe('not the runner’s');
  });

  it('does not follow RUNNER_DIR/venvs when it is a link, nor a record that is one', async () => {
    fs.mkdirSync(path.join(outside, key('a')));
    fs.symlinkSync(outside, venvs());
    expect(await sweepVenvs(root, () => false)).toEqual({ environments: 0, leftovers: 0 });
    expect(fs.readdirSync(outside).sort()).toEqual([key('a'), 'precious.txt'].sort());

    fs.unlinkSync(venvs());
    environment(key('b'));
    const id = preparedVersion(null);
    fs.writeFileSync(path.join(outside, 'keys'), `${key('b')}\n`);
    fs.symlinkSync(path.join(outside, 'keys'), venvMarkerPath(path.join(root, 'apps', id)));
    expect(await sweepVenvs(root, () => false)).toEqual({ environments: 1, leftovers: 0 });
  });

  it('keeps every environment a version prepared before the records existed could use, and records them', async () => {
    const requirements = 'greeting-lib==1.0.0\n';
    const id = preparedVersion(null, { 'app.py': 'print(1)', 'requirements.txt': requirements, 'wheels/greeting.whl': '' });
    const appDir = path.join(root, 'apps', id);
    const python = choosePython(null).version;
    const sandboxed = venvKeyOf(appDir, python, true);
    const host = venvKeyOf(appDir, python, false);
    expect(host).toBe(`host-${sandboxed}`);
    environment(sandboxed);
    environment(host);
    environment(key('e'));
    expect(await sweepVenvs(root, () => false)).toEqual({ environments: 1, leftovers: 0 });
    expect(fs.readdirSync(venvs()).sort()).toEqual([sandboxed, host].sort());
    const recorded = fs.readFileSync(venvMarkerPath(appDir), 'utf8').split('\n');
    expect(recorded).toEqual(expect.arrayContaining([sandboxed, host]));
  });

  it('finds nothing to do where no environment was ever built', async () => {
    expect(await sweepVenvs(root, () => false)).toEqual({ environments: 0, leftovers: 0 });
  });
});

describe('an environment being built', () => {
  it('is kept, with its build directory, until the build is over; then its version’s record keeps it', async () => {
    // A Python that waits at a named pipe before creating the environment: the build is under way until the test lets it go.
    const gate = path.join(outside, 'gate');
    execFileSync('mkfifo', [gate]);
    const python = path.join(outside, 'python');
    fs.writeFileSync(python, `#!/bin/sh\nread line < ${gate}\nexec /usr/bin/python3 "$@"\n`, { mode: 0o755 });
    const id = preparedVersion(null);
    const appDir = path.join(root, 'apps', id);
    const version = choosePython(null).version;
    const k = venvKeyOf(appDir, version, false);
    const log = new InstanceLog(path.join(root, 'build.log'), 64 * 1024);
    let told: string | null = null;
    const built = ensureVenv({
      root,
      appDir,
      python: { executable: python, version, note: null },
      builderUid: null,
      operatorEnv: {},
      log,
      signal: new AbortController().signal,
      buildTimeoutMs: 60_000,
      sandboxed: false,
      onKey: (key) => (told = key),
    });
    expect(told).toBe(k);
    expect(fs.readFileSync(venvMarkerPath(appDir), 'utf8')).toBe(`${k}\n`);
    const buildDir = environment(`${k}.tmp-${randomUUID()}`); // as a sandboxed build of the same key would have
    await removePreparedApp(root, id); // the version is deleted while it builds
    expect(await sweepVenvs(root, () => false)).toEqual({ environments: 0, leftovers: 0 });
    expect(fs.existsSync(path.join(venvs(), k))).toBe(true);
    expect(fs.existsSync(buildDir)).toBe(true);

    fs.writeFileSync(gate, 'go\n');
    expect(await built).toBe(path.join(venvs(), k));
    expect(fs.existsSync(path.join(venvs(), k, 'pyvenv.cfg'))).toBe(true);
    expect(await sweepVenvs(root, () => false)).toEqual({ environments: 1, leftovers: 1 });
    expect(fs.readdirSync(venvs())).toEqual([]);
  }, 60_000);
});
