import { describe, expect, it } from 'vitest';
import { localRunnerConfig, parseDurationMs } from './config';

describe('local runner configuration', () => {
  it('reads durations with units, seconds by default', () => {
    expect(parseDurationMs('X', '300')).toBe(300_000);
    expect(parseDurationMs('X', '90s')).toBe(90_000);
    expect(parseDurationMs('X', '5m')).toBe(300_000);
    expect(parseDurationMs('X', '1.5h')).toBe(5_400_000);
    expect(() => parseDurationMs('INSTANCE_START_TIMEOUT', 'soon')).toThrow(/INSTANCE_START_TIMEOUT must be a duration/);
  });

  it('keeps the sandbox on unless RUNNER_SANDBOX=off is set, and refuses anything else', () => {
    expect(localRunnerConfig({}).sandbox).toBe('on');
    expect(localRunnerConfig({ RUNNER_SANDBOX: 'OFF' }).sandbox).toBe('off');
    expect(() => localRunnerConfig({ RUNNER_SANDBOX: 'no' })).toThrow(/RUNNER_SANDBOX must be on or off/);
    expect(localRunnerConfig({ INSTANCE_START_TIMEOUT: '2m', DATA_DIR: '/srv/x' })).toMatchObject({ startTimeoutMs: 120_000, dir: '/srv/x/runner' });
  });
});
