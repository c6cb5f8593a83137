// Per test: a fresh RUNNER_DIR and a directory outside it holding a file that no removal may touch (the runner's
// sweeps must never follow a link out of RUNNER_DIR); both removed after the test.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';

export const PRECIOUS = 'precious.txt';

export function runnerDirsPerTest(use: (dirs: { root: string; outside: string }) => void): void {
  let dirs = { root: '', outside: '' };
  beforeEach(() => {
    dirs = { root: fs.mkdtempSync(path.join(os.tmpdir(), 'runner-dir-')), outside: fs.mkdtempSync(path.join(os.tmpdir(), 'outside-runner-')) };
    fs.writeFileSync(path.join(dirs.outside, PRECIOUS), 'not the runner’s');
    use(dirs);
  });
  afterEach(() => {
    fs.rmSync(dirs.root, { recursive: true, force: true });
    fs.rmSync(dirs.outside, { recursive: true, force: true });
  });
}

/** As root: `dir/sub/file` (modes 0700 and 0600) owned by a sandbox uid, as an app or a build leaves them; else nothing. */
export function addSandboxOwnedFile(dir: string, sub: string, file: string, uid: number): void {
  if (process.getuid?.() !== 0) return;
  fs.mkdirSync(path.join(dir, sub), { mode: 0o700 });
  fs.writeFileSync(path.join(dir, sub, file), 'x', { mode: 0o600 });
  fs.chownSync(path.join(dir, sub, file), uid, uid);
  fs.chownSync(path.join(dir, sub), uid, uid);
}
