// Sums a V8 .cpuprofile's time by function (self and inclusive) and by source (npm package or project file),
// over the whole profile, its last `lastMs`, or between two moments (`fromMonotonicUs`, `toMonotonicUs`: a V8
// profile's times are the system's monotonic clock in µs, which `process.hrtime` reads in every process too), for
// scripts/profile-pages.ts: where the server's CPU goes.
import fs from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a script comes from: the npm package (next by its dist folder), a Next chunk, or a Node internal. */
function sourceOf(url: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
  if (pkg) return pkg[1] === 'next' ? `next/${/^dist\/(compiled\/[^/]+|[^/]+)/.exec(pkg[2])?.[1] ?? ''}` : pkg[1];
  if (!url) return '(native)';
  return url.replace(/^file:\/\//, '').replace(process.cwd() + '/', '');
}

const IDLE = new Set(['(idle)', '(program)']);

/** The window of a profile to sum: its last `lastMs`, or from `fromMonotonicUs` to `toMonotonicUs` (process.hrtime's clock, in µs). */
export interface ProfileWindow {
  lastMs?: number;
  fromMonotonicUs?: number;
  toMonotonicUs?: number;
}

/** CPU time (µs) the profile spent busy (not idle) in the window. */
export function busyIn(file: string, window: ProfileWindow = {}): number {
  return tally(JSON.parse(fs.readFileSync(file, 'utf8')) as Profile, window).busy;
}

export function summarize(file: string, top = 40, window: ProfileWindow = {}): string {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const { busy, self, inclusive, bySource } = tally(profile, window);
  const rows = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => `${(us / 1000).toFixed(0).padStart(7)} ms ${((us / busy) * 100).toFixed(1).padStart(5)}%  ${k}`)
      .join('\n');
  return [
    `busy ${(busy / 1000).toFixed(0)} ms in the window`,
    'Self time by function:',
    rows(self, top),
    '',
    'Inclusive time by function:',
    rows(inclusive, top * 2),
    '',
    'Inclusive time of the project and its packages (not Next or Node):',
    rows(new Map([...inclusive].filter(([k]) => !/ (next\/|node:|\(native\))/.test(k))), top * 2),
    '',
    'Self time by source:',
    rows(bySource, 25),
  ].join('\n');
}

function tally(profile: Profile, window: ProfileWindow) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (n: Node) => `${n.callFrame.functionName || '(anonymous)'}  ${sourceOf(n.callFrame.url)}:${n.callFrame.lineNumber + 1}:${n.callFrame.columnNumber + 1}`;
  const times: number[] = [];
  let t = profile.startTime;
  for (const dt of profile.timeDeltas) times.push((t += dt));
  const from = Math.max(window.fromMonotonicUs ?? -Infinity, window.lastMs === undefined ? -Infinity : times[times.length - 1] - window.lastMs * 1000);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const bySource = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    if (times[i] < from || times[i] > (window.toMonotonicUs ?? Infinity)) return;
    const dt = profile.timeDeltas[i + 1] ?? 0;
    const node = byId.get(id)!;
    if (IDLE.has(node.callFrame.functionName)) return;
    busy += dt;
    const k = keyOf(node);
    self.set(k, (self.get(k) ?? 0) + dt);
    const s = sourceOf(node.callFrame.url);
    bySource.set(s, (bySource.get(s) ?? 0) + dt);
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const key = keyOf(byId.get(n)!);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
    }
  });
  return { busy, self, inclusive, bySource };
}

if (process.argv[1]?.endsWith('cpu-profile.ts') && process.argv[2]) console.log(summarize(process.argv[2], Number(process.argv[3] ?? 40), process.argv[4] ? { lastMs: Number(process.argv[4]) } : {}));
