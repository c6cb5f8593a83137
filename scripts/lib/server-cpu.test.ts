// The benchmarks' CPU time per request counts the server's render workers too (serverCpuMs): a server whose
// child does the work is charged for it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { childPids, serverCpuMs } from './server';
import { statCpuTicks } from './browse-traffic';

// A parent that starts a child; the child spins until it has used 400 ms of CPU, says so, and waits.
const CHILD = 'const t0 = process.cpuUsage(); for (;;) { const u = process.cpuUsage(t0); if (u.user + u.system >= 400000) break; } console.log("spun"); setInterval(() => {}, 1000);';
const PARENT = `require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(CHILD)}], { stdio: 'inherit' }); setInterval(() => {}, 1000);`;
const parent = spawn(process.execPath, ['-e', PARENT], { stdio: ['ignore', 'pipe', 'inherit'] });
afterAll(() => {
  for (const pid of fs.existsSync(`/proc/${parent.pid}`) ? childPids(parent.pid!) : []) process.kill(pid, 'SIGKILL');
  parent.kill('SIGKILL');
});

it('counts the CPU time of the server and of its children', { timeout: 60_000 }, async () => {
  await new Promise<void>((resolve) => parent.stdout!.on('data', (d: Buffer) => d.toString().includes('spun') && resolve()));
  expect(childPids(parent.pid!)).toHaveLength(1);
  const own = statCpuTicks(fs.readFileSync(`/proc/${parent.pid}/stat`, 'utf8')) * 10;
  expect(own).toBeLessThan(300);
  expect(serverCpuMs(parent.pid!)).toBeGreaterThanOrEqual(own + 380); // the child's 400 ms, to a tick of 10 ms
});
