// RUNNER_SANDBOX=off after a `kill -9` of the portal: its apps (and what they forked) must not keep running
// and holding their ports, and their [[File]]s (secrets too) must not stay on the host's disk.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processStartTime, reapLeftovers } from './unsandboxed';

const root = mkdtempSync(path.join(os.tmpdir(), 'unsandboxed-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Alive: it exists and is not a zombie waiting to be reaped. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

// An app that forks a child (which gets no parent-death signal of its own) and reports both pids.
const APP = String.raw`
import os, sys, time
child = os.fork()
if child == 0:
    time.sleep(600)
    os._exit(0)
with open(os.environ['PID_FILE'], 'w') as f:
    f.write('%d %d' % (os.getpid(), child))
print('ready', flush=True)
time.sleep(600)
`;

// A stand-in for the portal: it starts the app the way the runner does, then waits to be killed.
const PORTAL = (dir: string, appDir: string, pidFile: string) => `
import { launchUnsandboxed } from ${JSON.stringify(path.resolve('lib/runner/unsandboxed.ts'))};
await launchUnsandboxed({
  uid: null,
  workDir: ${JSON.stringify(path.join(dir, 'instances', 'i-1'))},
  appDir: ${JSON.stringify(appDir)},
  files: [{ path: 'config/token', content: 'secret-on-disk', secret: true }],
  env: { PATH: '/usr/bin:/bin', PID_FILE: ${JSON.stringify(pidFile)} },
  command: ['/usr/bin/python3', '-c', ${JSON.stringify(APP)}],
  cgroup: null,
  onOutput: (b) => process.stdout.write(b),
  processRecord: ${JSON.stringify(path.join(dir, 'processes', 'i-1.json'))},
});
setInterval(() => {}, 60_000);
`;

describe('RUNNER_SANDBOX=off leftovers', () => {
  it('after a kill -9 of the portal, the app and its forked children are killed and its working tree (secret files) deleted', async () => {
    const dir = path.join(root, 'runner');
    const appDir = path.join(root, 'app');
    mkdirSync(appDir, { recursive: true });
    writeFileSync(path.join(appDir, 'main.py'), '');
    const pidFile = path.join(root, 'pids');
    const script = path.join(root, 'portal.mts');
    writeFileSync(script, PORTAL(dir, appDir, pidFile));
    const portal = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      portal.stdout!.on('data', (b: Buffer) => b.toString().includes('ready') && resolve());
      portal.on('exit', (code) => reject(new Error(`the stand-in portal exited (${code})`)));
    });
    const [app, forked] = readFileSync(pidFile, 'utf8').split(' ').map(Number);
    const workDir = path.join(dir, 'instances', 'i-1');
    expect(readFileSync(path.join(workDir, 'config', 'token'), 'utf8')).toBe('secret-on-disk');
    expect(JSON.parse(readFileSync(path.join(dir, 'processes', 'i-1.json'), 'utf8'))).toMatchObject({ pgid: app, owner: portal.pid });

    portal.kill('SIGKILL');
    // The app itself dies with its portal (setpriv --pdeathsig KILL)...
    await expect.poll(() => alive(app), { timeout: 10_000 }).toBe(false);
    // ...but what it forked lives on, holding whatever it holds, and the secret file is still on disk.
    expect(alive(forked)).toBe(true);
    expect(existsSync(path.join(workDir, 'config', 'token'))).toBe(true);

    // The next portal's runner start-up.
    expect(reapLeftovers(dir)).toEqual([app]);
    await expect.poll(() => alive(forked), { timeout: 10_000 }).toBe(false);
    expect(existsSync(workDir)).toBe(false);
    expect(readdirSync(path.join(dir, 'processes'))).toEqual([]);
  }, 60_000);

  it("leaves a live portal's apps and working trees alone, and kills nothing whose pid was reused", () => {
    const dir = path.join(root, 'shared');
    mkdirSync(path.join(dir, 'processes'), { recursive: true });
    mkdirSync(path.join(dir, 'instances', 'live'), { recursive: true });
    mkdirSync(path.join(dir, 'instances', 'orphan'), { recursive: true });
    const me = { owner: process.pid, ownerStartTime: processStartTime(process.pid) };
    // Owned by this (live) process: kept.
    writeFileSync(path.join(dir, 'processes', 'live.json'), JSON.stringify({ pgid: process.pid, startTime: me.ownerStartTime, ...me, workDir: path.join(dir, 'instances', 'live') }));
    // A dead owner, and a group leader pid now used by another process (this one, with another start time).
    writeFileSync(
      path.join(dir, 'processes', 'reused.json'),
      JSON.stringify({ pgid: process.pid, startTime: '1', owner: process.pid, ownerStartTime: '1', workDir: path.join(dir, 'instances', 'gone') }),
    );
    expect(reapLeftovers(dir)).toEqual([]);
    expect(readdirSync(path.join(dir, 'processes'))).toEqual(['live.json']);
    expect(readdirSync(path.join(dir, 'instances'))).toEqual(['live']);
  });
});
