// The contract between the portal and whatever runs app instances: the local sandboxed runner today, a
// Kubernetes runner later. The portal decides who may do what and keeps instance rows; a runner only runs.
import type { AppMode, RoutingMode } from '@/lib/manifest/types';

/** One environment variable or file as the instance receives it; `secret` values are never logged or written to disk outside the sandbox. */
export interface ResolvedValue {
  value: string;
  secret: boolean;
}
export interface ResolvedEnv extends ResolvedValue {
  name: string;
}
export interface ResolvedFile extends ResolvedValue {
  /** As in app.toml: absolute, or relative to the app's root directory. */
  path: string;
}

/** The runtime part of a normalised manifest that a runner needs. */
export interface InstanceRuntime {
  module: string | null;
  appMode: AppMode;
  /** Runtime.Port; python and container apps serve on it (default 8080). */
  port: number | null;
  memoryLimit: string | null;
  cpuLimit: string | null;
  gpuCount: number;
  volumeMount: string | null;
  routingMode: RoutingMode;
  customImage: string | null;
}

/** Everything needed to start one instance; secret values are already decrypted by the caller. */
export interface InstanceSpec {
  instanceId: string;
  appVersionId: string;
  appName: string;
  appVersion: string;
  /** The stored .wave bundle of the app version. */
  bundlePath: string;
  runtime: InstanceRuntime;
  /** Path prefix the app is served under: `/instance/<id>/` for BASE_URL routing, `/` for DOMAIN. */
  baseUrl: string;
  /** The runtime version's Python version (`3.10`), or null for the host's default. */
  pythonVersion: string | null;
  env: ResolvedEnv[];
  files: ResolvedFile[];
  /** The portal's public URL (H2O_CLOUD_ENVIRONMENT). */
  portalUrl: string;
}

/** Start-up stages, in order; DEPLOYED and FAILED end a start. */
export type Stage = 'SOURCING' | 'INSTALLING' | 'STARTING' | 'DEPLOYED' | 'FAILED';

export interface StageEvent {
  instanceId: string;
  stage: Stage;
  at: Date;
  /** What a person reads on the start-up page: "Sourcing the app bundle", "Installing dependencies"… */
  message: string;
  /** FAILED only: why, in words an app developer can act on. */
  reason?: string;
}

/** How the router reaches a DEPLOYED instance. */
export interface UpstreamEndpoint {
  host: string;
  port: number;
}

/** An instance process that ended without being stopped: a crash, or an app that returned. */
export interface ExitEvent {
  instanceId: string;
  exitCode: number | null;
  signal: string | null;
  /** The last lines of the instance's log. */
  lastLines: string[];
}

export interface StartHooks {
  onStage?: (event: StageEvent) => void;
  /** Called once when a DEPLOYED instance's process ends on its own. */
  onExit?: (event: ExitEvent) => void;
}

export interface RunnerCapabilities {
  runner: 'local' | 'kubernetes';
  sandbox: {
    /** Instances run isolated (namespaces, unprivileged user, private network). */
    enabled: boolean;
    /** Why the sandbox cannot be used, when it cannot. */
    unavailableReason: string | null;
    /** The operator switched it off explicitly (RUNNER_SANDBOX=off): the admin page warns. */
    disabledByOperator: boolean;
  };
  /** Which resource limits are enforced on this host, and why not when they are not. */
  resources: {
    memory: boolean;
    cpu: boolean;
    cgroupVersion: 'v1' | 'v2' | null;
    note: string | null;
  };
  gpu: { available: boolean; count: number };
  /** Instances may open outbound connections (INSTANCE_EGRESS). */
  egress: boolean;
}

/** What a started instance looks like to the portal. */
export interface RunningInstance {
  instanceId: string;
  endpoint: UpstreamEndpoint;
  /** Limits the runner really enforces for this instance. */
  enforced: { memory: boolean; cpu: boolean };
}

export interface InstanceLogs {
  /** The kept tail of the log (at most the runner's bound, about 5 MB). */
  read(): Promise<string>;
  /** The kept tail, then new output as it arrives, until `signal` aborts. */
  follow(signal: AbortSignal): AsyncIterable<string>;
}

export interface Runner {
  capabilities(): Promise<RunnerCapabilities>;
  /**
   * Prepares (once per app version) and starts an instance, reporting each stage. Resolves when the
   * instance answers HTTP (DEPLOYED); rejects with a RunnerError (stage FAILED reported first) otherwise.
   */
  start(spec: InstanceSpec, hooks?: StartHooks): Promise<RunningInstance>;
  /** Suspends: ends the processes, keeps the volume. No-op when not running. */
  stop(instanceId: string): Promise<void>;
  /** Ends the processes and deletes the instance's volume and logs. */
  terminate(instanceId: string): Promise<void>;
  /** Memory in use and CPU seconds used, while DEPLOYED, where the host lets the runner read them; else null. */
  usage(instanceId: string): { memoryBytes: number | null; cpuSeconds: number | null } | null;
  /** Where the router connects, while the instance is DEPLOYED; null otherwise. */
  endpoint(instanceId: string): UpstreamEndpoint | null;
  logs(instanceId: string): InstanceLogs;
  /** Stops every instance (portal shutdown); volumes stay. */
  shutdown(): Promise<void>;
  /**
   * Removes what was prepared for an app version no instance will start again (its extracted bundle), and the
   * Python environments nothing needs any more.
   */
  forgetAppVersion(appVersionId: string): Promise<void>;
  /**
   * The same for every prepared app version `inUse` says is gone (the start-up's sweep), with leftovers of
   * interrupted builds; resolves to how many app versions and environments went.
   */
  forgetAppVersionsExcept(inUse: (appVersionId: string) => boolean): Promise<{ appVersions: number; environments: number }>;
}

export type RunnerErrorCode =
  | 'NOT_RUNNABLE' // the app cannot run on this runner (container app, GPU, missing OS packages, no Wave server)
  | 'SANDBOX_UNAVAILABLE'
  | 'PREPARE_FAILED' // extracting the bundle or installing dependencies
  | 'START_FAILED' // the process ended before answering
  | 'START_TIMEOUT'
  | 'ALREADY_RUNNING'
  | 'STOPPED'; // stopped while starting

export class RunnerError extends Error {
  constructor(
    readonly code: RunnerErrorCode,
    message: string,
    readonly lastLines: string[] = [],
  ) {
    super(message);
    this.name = 'RunnerError';
  }
}
