// The local runner's settings, from environment variables (listed in the README's runner section).
import path from 'node:path';
import { dataDir } from '@/lib/config';

export interface LocalRunnerConfig {
  /** Extracted bundles, virtual environments, volumes and logs. */
  dir: string;
  /** `off` only when the operator sets RUNNER_SANDBOX=off explicitly. */
  sandbox: 'on' | 'off';
  startTimeoutMs: number;
  /** First of the host uids the runner uses: this one builds environments, instances get uidBase+1… */
  uidBase: number;
  uidCount: number;
  logBytes: number;
}

/** `300`, `90s`, `5m`, `1h` → milliseconds. */
export function parseDurationMs(name: string, raw: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw.trim());
  if (!m) throw new Error(`${name} must be a duration such as 300s, 5m or 1h, got ${JSON.stringify(raw)}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(m[1]) * unit);
}

function intFromEnv(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}

export function localRunnerConfig(env: Record<string, string | undefined> = process.env): LocalRunnerConfig {
  const sandbox = (env.RUNNER_SANDBOX ?? '').trim().toLowerCase();
  if (sandbox !== '' && sandbox !== 'on' && sandbox !== 'off') throw new Error(`RUNNER_SANDBOX must be on or off, got ${JSON.stringify(env.RUNNER_SANDBOX)}`);
  return {
    dir: path.resolve(env.RUNNER_DIR || path.join(env.DATA_DIR ? path.resolve(env.DATA_DIR) : dataDir(), 'runner')),
    sandbox: sandbox === 'off' ? 'off' : 'on',
    startTimeoutMs: env.INSTANCE_START_TIMEOUT ? parseDurationMs('INSTANCE_START_TIMEOUT', env.INSTANCE_START_TIMEOUT) : 5 * 60_000,
    uidBase: intFromEnv(env, 'RUNNER_UID_BASE', 200_000),
    uidCount: intFromEnv(env, 'RUNNER_UID_COUNT', 60_000),
    logBytes: intFromEnv(env, 'INSTANCE_LOG_BYTES', 5 * 1024 * 1024),
  };
}
