import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InstanceLog } from './logs';

const dirs: string[] = [];
function log(maxBytes: number) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'instance-log-'));
  dirs.push(dir);
  return new InstanceLog(path.join(dir, 'logs', 'i.log'), maxBytes);
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('InstanceLog', () => {
  it('keeps only about the last maxBytes, newest last, across a reopen', () => {
    const l = log(1000);
    for (let i = 0; i < 100; i++) l.write(`line ${String(i).padStart(3, '0')} ${'x'.repeat(40)}\n`);
    const kept = l.readSync();
    expect(kept.length).toBeLessThanOrEqual(1000);
    expect(kept.length).toBeGreaterThan(500);
    expect(kept.trimEnd().split('\n').at(-1)).toMatch(/^line 099/);
    expect(kept).not.toContain('line 000');
    expect(new InstanceLog(l.file, 1000).readSync()).toBe(kept);
    expect(l.lastLines(2).map((s) => s.slice(0, 8))).toEqual(['line 098', 'line 099']);
  });

  it('follows: the kept tail first, then new output as it comes, until aborted', async () => {
    const l = log(10_000);
    l.write('before\n');
    const abort = new AbortController();
    const seen: string[] = [];
    const done = (async () => {
      for await (const chunk of l.follow(abort.signal)) {
        seen.push(chunk);
        if (seen.join('').includes('after')) abort.abort();
      }
    })();
    await new Promise((r) => setImmediate(r));
    l.write('after\n');
    await done;
    expect(seen.join('')).toBe('before\nafter\n');
  });

  it('remove() forgets everything', () => {
    const l = log(100);
    for (let i = 0; i < 10; i++) l.write('0123456789abcdef\n');
    l.remove();
    expect(l.readSync()).toBe('');
  });
});
