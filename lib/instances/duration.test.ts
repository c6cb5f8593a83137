import { describe, expect, it } from 'vitest';
import { durationMs } from './duration';

describe('durationMs', () => {
  it('reads the platform’s InstanceTimeout forms', () => {
    expect(durationMs('1h')).toBe(3_600_000);
    expect(durationMs('90m')).toBe(5_400_000);
    expect(durationMs('1h30m')).toBe(5_400_000);
    expect(durationMs('1.5h')).toBe(5_400_000);
    expect(durationMs('30s')).toBe(30_000);
    expect(durationMs('-1')).toBeNull();
  });
  it('refuses what is not a duration', () => {
    for (const bad of ['', '1', '1d', 'h', '1h x', '-2']) expect(() => durationMs(bad), bad).toThrow();
  });
});
