import { describe, expect, it } from 'vitest';
import { parseConfig } from '@/lib/config';
import { localRunnerConfig } from './config';

describe('local runner configuration', () => {
  it('reads durations with or without a unit (a bare number is seconds)', () => {
    for (const [raw, ms] of [['300', 300_000], ['90s', 90_000], ['5m', 300_000], ['1.5h', 5_400_000]] as const) {
      expect(localRunnerConfig(parseConfig({ INSTANCE_START_TIMEOUT: raw })).startTimeoutMs).toBe(ms);
    }
    expect(() => parseConfig({ INSTANCE_START_TIMEOUT: 'soon' })).toThrow(/INSTANCE_START_TIMEOUT/);
  });

  it('has the sandbox on unless switched off explicitly, and its folder under DATA_DIR', () => {
    expect(localRunnerConfig(parseConfig({})).sandbox).toBe('on');
    expect(localRunnerConfig(parseConfig({ RUNNER_SANDBOX: 'OFF' })).sandbox).toBe('off');
    expect(() => parseConfig({ RUNNER_SANDBOX: 'no' })).toThrow(/RUNNER_SANDBOX/);
    expect(localRunnerConfig(parseConfig({ INSTANCE_START_TIMEOUT: '2m', DATA_DIR: '/srv/x' }))).toMatchObject({ startTimeoutMs: 120_000, dir: '/srv/x/runner' });
    expect(parseConfig({ RUNNER_DIR: '/var/lib/runner' }).runner.dir).toBe('/var/lib/runner');
  });

  it('hands pip only its own and the proxy settings', () => {
    expect(parseConfig({ PIP_INDEX_URL: 'https://pypi.example/simple', HTTPS_PROXY: 'http://proxy:3128', AUTH_SECRET: 'x'.repeat(40) }).runner.pipEnv).toEqual({
      PIP_INDEX_URL: 'https://pypi.example/simple',
      HTTPS_PROXY: 'http://proxy:3128',
    });
  });
});
