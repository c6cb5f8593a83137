// profile-pages sums only the traffic's window of a profile (not the start-up before it or the shutdown after).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { busyIn, summarize } from './cpu-profile';

const frame = (functionName: string) => ({ functionName, url: 'file:///x.js', lineNumber: 0, columnNumber: 0 });
// Samples at 1,000 µs steps from t = 10,000: `start-up` for the first three, `page` for the next four, `(idle)` last.
const profile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 3, 4] },
    { id: 2, callFrame: frame('start-up') },
    { id: 3, callFrame: frame('page') },
    { id: 4, callFrame: frame('(idle)') },
  ],
  startTime: 10_000,
  endTime: 19_000,
  samples: [2, 2, 2, 3, 3, 3, 3, 4],
  timeDeltas: [1_000, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000],
};
const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cpu-profile-')), 'x.cpuprofile');
afterAll(() => fs.rmSync(path.dirname(file), { recursive: true, force: true }));
fs.writeFileSync(file, JSON.stringify(profile));

it('sums the whole profile, its last milliseconds, or the window between two moments of the monotonic clock', () => {
  // Sample times 11,000 … 18,000; each lasts until the next (1,000 µs), the last (idle) 0.
  expect(busyIn(file)).toBe(7_000);
  // From 14,000 to 17,000: the four `page` samples, none of the start-up.
  expect(busyIn(file, { fromMonotonicUs: 14_000, toMonotonicUs: 17_000 })).toBe(4_000);
  expect(busyIn(file, { lastMs: 3 })).toBe(3_000); // 15,000 … 18,000
  expect(busyIn(file, { fromMonotonicUs: 14_000, toMonotonicUs: 15_000 })).toBe(2_000); // not the page samples after it
  const text = summarize(file, 5, { fromMonotonicUs: 14_000, toMonotonicUs: 17_000 });
  expect(text).toContain('busy 4 ms in the window');
  expect(text).toContain('page');
  expect(text).not.toContain('start-up');
});
