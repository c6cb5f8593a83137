// InstanceTimeout values (`90m`, `1h30m`, `1.5h`, `30s`, `-1`) as milliseconds; the manifest rules
// (lib/manifest/fields.ts durationProblem) decide what is valid, this only converts.

const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1_000 } as const;

/** Milliseconds, or null for `-1` (never). Throws on anything durationProblem would refuse. */
export function durationMs(value: string): number | null {
  const s = value.trim();
  if (s === '-1') return null;
  const parts = [...s.matchAll(/(\d+(?:\.\d+)?)([hms])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== s) throw new Error(`Not a duration: ${JSON.stringify(value)}`);
  return Math.round(parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_MS[unit as keyof typeof UNIT_MS], 0));
}
