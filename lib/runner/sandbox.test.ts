import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appDirMounts, reservedPathProblem } from './sandbox';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mounts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sandbox mount plan', () => {
  it('binds each app entry read-only, splitting directories only where a [[File]] or volume goes inside', () => {
    mkdirSync(path.join(dir, 'config', 'deep'), { recursive: true });
    mkdirSync(path.join(dir, 'static'));
    writeFileSync(path.join(dir, 'app.py'), '');
    writeFileSync(path.join(dir, 'config', 'a.txt'), '');
    writeFileSync(path.join(dir, 'config', 'deep', 'b.txt'), '');
    expect(appDirMounts(dir, ['/app/config/secret.txt', '/app/app.py', '/etc/x'])).toEqual([
      '--tmpfs', '/app',
      // app.py is replaced by the [[File]] of the same path
      '--dir', '/app/config',
      '--ro-bind', path.join(dir, 'config', 'a.txt'), '/app/config/a.txt',
      '--ro-bind', path.join(dir, 'config', 'deep'), '/app/config/deep',
      '--ro-bind', path.join(dir, 'static'), '/app/static',
    ]);
  });

  it('keeps files and volumes out of the directories shared read-only with the host', () => {
    expect(reservedPathProblem('Runtime.VolumeMount', '/usr/local/data')).toMatch(/inside \/usr/);
    expect(reservedPathProblem('x', '/etc/ssl/private/key')).toMatch(/inside \/etc\/ssl/);
    expect(reservedPathProblem('x', '/etc/python3.11/sitecustomize.py')).toMatch(/inside/);
    expect(reservedPathProblem('x', '/venv/lib/x')).toMatch(/inside \/venv/);
    expect(reservedPathProblem('x', '/etc/myapp/config.ini')).toBeNull();
    expect(reservedPathProblem('x', '/data')).toBeNull();
    expect(reservedPathProblem('x', '/usrdata')).toBeNull();
  });
});
