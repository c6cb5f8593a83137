import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testDir } from '../testing/temp-dir';
import { readZip } from './test-helpers';
import { writeZip } from './zip-writer';

describe('writeZip', () => {
  it('writes the files in the given order, deflated, with forward slashes and the executable bit', async () => {
    const dir = testDir('appstore-zip-');
    await mkdir(path.join(dir, 'static'));
    const big = randomBytes(200 * 1024);
    await writeFile(path.join(dir, 'app.toml'), '[App]\nName = "x"\n');
    await writeFile(path.join(dir, 'static', 'data.bin'), big);
    await writeFile(path.join(dir, 'run.sh'), '#!/bin/sh\n');
    await chmod(path.join(dir, 'run.sh'), 0o755);
    const files = ['app.toml', 'run.sh', 'static/data.bin'].map((name) => ({ name, source: path.join(dir, ...name.split('/')) }));

    const target = path.join(dir, 'out.wave');
    await writeZip(files, target);
    const entries = await readZip(target);

    expect(entries.map((e) => e.name)).toEqual(['app.toml', 'run.sh', 'static/data.bin']);
    expect(entries.every((e) => e.method === 8)).toBe(true);
    expect(entries[2].data.equals(big)).toBe(true);
    expect(entries[0].mode).toBe(0o100644);
    expect(entries[1].mode).toBe(0o100755);
  });

  it('refuses to overwrite an existing file (the caller writes to a fresh temporary name)', async () => {
    const dir = testDir('appstore-zip-');
    const target = path.join(dir, 'taken');
    await writeFile(target, 'keep me');
    await expect(writeZip([], target)).rejects.toThrow(/EEXIST/);
    expect(await readFile(target, 'utf8')).toBe('keep me');
  });
});
