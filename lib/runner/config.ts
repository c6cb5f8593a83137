// The local runner's settings: read and validated with the rest of the configuration (lib/config.ts).
import { config, instanceStartTimeoutMs, type Config } from '@/lib/config';

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
  /** Instances may open outbound connections (INSTANCE_EGRESS). */
  egress: boolean;
  /** With egress, instances may also reach the host's own non-loopback addresses (INSTANCE_REACH_HOST). */
  reachHost?: boolean;
}

export function localRunnerConfig(from: Config = config()): LocalRunnerConfig {
  const r = from.runner;
  return {
    dir: r.dir,
    sandbox: r.sandbox,
    startTimeoutMs: from === config() ? instanceStartTimeoutMs() : from.instances.startTimeoutMs,
    uidBase: r.uidBase,
    uidCount: r.uidCount,
    logBytes: r.logBytes,
    egress: r.egress,
    reachHost: r.reachHost,
  };
}

/** The tools, as configured (RUNNER_BWRAP, RUNNER_SLIRP4NETNS). */
export const bwrapPath = (): string => config().runner.bwrap;
export const slirp4netnsPath = (): string => config().runner.slirp4netns;
