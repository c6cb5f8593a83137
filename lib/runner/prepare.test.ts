// Removing what was prepared for app versions that are gone (RUNNER_DIR/apps/<id>): everything inside goes,
// whoever owns it, and nothing outside RUNNER_DIR, whatever links point there.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addSandboxOwnedFile, runnerDirsPerTest } from '@/lib/testing/runner-dirs';
import { removePreparedApp, sweepPreparedApps } from './prepare';

let root = '';
let outside = '';
runnerDirsPerTest((dirs) => ({ root, outside } = dirs));

/** An extracted bundle as the runner leaves it, with a subdirectory and a file owned by a sandbox uid where the test may chown. */
function prepared(name: string): string {
  const dir = path.join(root, 'apps', name);
  fs.mkdirSync(path.join(dir, 'static'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'app.py'), 'print(1)');
  fs.writeFileSync(path.join(dir, 'static', 'icon.png'), 'png');
  addSandboxOwnedFile(dir, 'cache', 'owned-by-sandbox', 200_123);
  return dir;
}

describe('removing one app version’s extracted bundle', () => {
  it('removes the directory with everything in it, whoever owns it, and says whether there was one', async () => {
    const id = randomUUID();
    const dir = prepared(id);
    const other = prepared(randomUUID());
    expect(await removePreparedApp(root, id)).toBe(true);
    expect(fs.existsSync(dir)).toBe(false);
    expect(fs.existsSync(other)).toBe(true);
    expect(await removePreparedApp(root, id)).toBe(false);
  });

  it('removes links inside without following them', async () => {
    const id = randomUUID();
    const dir = prepared(id);
    fs.symlinkSync(outside, path.join(dir, 'escape'));
    fs.symlinkSync(path.join(outside, 'precious.txt'), path.join(dir, 'static', 'file-link'));
    await removePreparedApp(root, id);
    expect(fs.existsSync(dir)).toBe(false);
    expect(fs.readFileSync(path.join(outside, 'precious.txt'), 'utf8')).toBe('not the runner’s');
  });

  it('removes a link in place of the directory, not what it points to', async () => {
    const id = randomUUID();
    fs.mkdirSync(path.join(root, 'apps'));
    fs.symlinkSync(outside, path.join(root, 'apps', id));
    expect(await removePreparedApp(root, id)).toBe(true);
    expect(fs.existsSync(path.join(root, 'apps', id))).toBe(false);
    expect(fs.readdirSync(outside)).toEqual(['precious.txt']);
  });

  it('does not follow RUNNER_DIR/apps when it is a link', async () => {
    const id = randomUUID();
    fs.mkdirSync(path.join(outside, id));
    fs.writeFileSync(path.join(outside, id, 'kept'), '');
    fs.symlinkSync(outside, path.join(root, 'apps'));
    expect(await removePreparedApp(root, id)).toBe(false);
    expect(await sweepPreparedApps(root, () => false)).toBe(0);
    expect(fs.readdirSync(outside).sort()).toEqual([id, 'precious.txt'].sort());
    expect(fs.existsSync(path.join(outside, id, 'kept'))).toBe(true);
  });

  it('refuses anything that is not an app version id', async () => {
    fs.mkdirSync(path.join(root, 'apps'));
    for (const bad of ['..', '.', '', '../venvs', 'a/b', '.tmp-x']) {
      await expect(removePreparedApp(root, bad)).rejects.toThrow(/Not an app version id/);
    }
    expect(fs.existsSync(path.join(root, 'apps'))).toBe(true);
  });
});

describe('the sweep of extracted bundles', () => {
  it('removes those of versions no longer in use and their interrupted extractions, and keeps the rest', async () => {
    const kept = randomUUID();
    const gone = randomUUID();
    prepared(kept);
    prepared(gone);
    const goneTmp = prepared(`.tmp-${gone}-${randomUUID()}`);
    const keptTmp = prepared(`.tmp-${kept}-${randomUUID()}`); // an extraction under way for a version in use
    fs.writeFileSync(path.join(root, 'apps', 'notes.txt'), 'not an app version');
    const asked: string[] = [];
    const removed = await sweepPreparedApps(root, (id) => {
      asked.push(id);
      return id === kept;
    });
    expect(removed).toBe(2);
    expect(fs.readdirSync(path.join(root, 'apps')).sort()).toEqual([kept, path.basename(keptTmp), 'notes.txt'].sort());
    expect(fs.existsSync(goneTmp)).toBe(false);
    expect(asked.sort()).toEqual([kept, kept, gone, gone].sort());
  });

  it('finds nothing to do where no bundle was ever extracted', async () => {
    expect(await sweepPreparedApps(root, () => false)).toBe(0);
  });
});
