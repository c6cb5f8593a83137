// What the rest of the portal uses of the runner: the Runner contract, the local runner, and the helpers
// that turn an app version and an instance into an InstanceSpec.
export type {
  ExitEvent,
  InstanceLogs,
  InstanceRuntime,
  InstanceSpec,
  ResolvedEnv,
  ResolvedFile,
  Runner,
  RunnerCapabilities,
  RunnerErrorCode,
  RunningInstance,
  Stage,
  StageEvent,
  StartHooks,
  UpstreamEndpoint,
} from './types';
export { RunnerError } from './types';
export { LocalRunner, type LocalRunnerOptions } from './local-runner';
export { instanceBaseUrl, toInstanceRuntime } from './instance-env';
export { localRunnerConfig } from './config';
export { unrunnableOnHost, versionUnrunnableReason } from './runnable';
