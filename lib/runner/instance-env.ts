// What an instance is started with: its refusal rules, command line and environment, as pure functions.
import path from 'node:path';
import { basePath } from '@/lib/router/routes';
import { APP_ROOT, reservedPathProblem } from './sandbox';
import type { RuntimeSettings } from '@/db/schema';
import type { InstanceRuntime, InstanceSpec } from './types';
import { gpuShortage } from './runnable';
import { WAVE_LAUNCHER } from './wave';

/** The part of an imported app version's runtime settings that a runner needs. */
export function toInstanceRuntime(r: RuntimeSettings): InstanceRuntime {
  return {
    module: r.module,
    appMode: r.appMode,
    port: r.port,
    memoryLimit: r.memoryLimit,
    cpuLimit: r.cpuLimit,
    gpuCount: r.gpuCount,
    volumeMount: r.volumeMount,
    routingMode: r.routingMode,
    customImage: r.customImage,
  };
}

/**
 * The path prefix an instance is served under: on BASE_URL routing its own (`/instance/<id>/`) or its
 * primary alias's (`/alias/<name>/`), on DOMAIN routing `/` (its own host).
 */
export function instanceBaseUrl(label: string, routingMode: InstanceRuntime['routingMode']): string {
  return routingMode === 'BASE_URL' ? basePath(label) : '/';
}

/** [[File]] paths as the app sees them: relative ones live in the app's root directory. */
export function appFilePath(p: string): string {
  return path.posix.normalize(p.startsWith('/') ? p : `${APP_ROOT}/${p}`);
}

/** Why the local runner cannot run this instance at all, or null. */
export function unrunnableReason(spec: InstanceSpec, sandbox: 'on' | 'off', gpus: number): string | null {
  const r = spec.runtime;
  if (r.appMode === 'container') {
    return 'This is a container app (Runtime.AppMode = "container"): it needs the Kubernetes runner; the local runner runs Python and Wave apps only.';
  }
  if (!r.module) return 'The app has no Runtime.Module to start.';
  const gpu = gpuShortage(r.gpuCount, gpus);
  if (gpu) return gpu;
  for (const f of spec.files) {
    const problem = reservedPathProblem(`[[File]] ${f.path}:`, appFilePath(f.path));
    if (problem) return problem;
  }
  if (r.volumeMount) {
    const problem = reservedPathProblem('Runtime.VolumeMount', r.volumeMount);
    if (problem) return problem;
  }
  if (sandbox === 'off') {
    const absolute = [...(r.volumeMount ? [`Runtime.VolumeMount ${r.volumeMount}`] : []), ...spec.files.filter((f) => f.path.startsWith('/')).map((f) => `[[File]] ${f.path}`)];
    if (absolute.length) return `${absolute.join(', ')}: absolute paths need the sandbox, which the operator switched off (RUNNER_SANDBOX=off).`;
  }
  return null;
}

export function instanceCommand(spec: InstanceSpec, venvRoot: string): string[] {
  return spec.runtime.appMode === 'wave'
    ? ['/usr/bin/python3', '-c', WAVE_LAUNCHER, venvRoot, spec.runtime.module!]
    : [`${venvRoot}/bin/python`, '-m', spec.runtime.module!];
}

/** Host:port addresses of a Wave app's server (listen, as the app reaches it) and app server. */
export interface WaveAddresses {
  listen: string;
  server: string;
  app: string;
}

/** The instance's whole environment: the platform's standard variables and every [[Env]], nothing of the portal's own. */
export function instanceEnvironment(spec: InstanceSpec, venvRoot: string, wave: WaveAddresses | null): Record<string, string> {
  const env: Record<string, string> = {
    PATH: `${venvRoot}/bin:/usr/local/bin:/usr/bin:/bin`,
    HOME: '/tmp',
    USER: 'app',
    LANG: 'C.UTF-8',
    PYTHONUNBUFFERED: '1',
    VIRTUAL_ENV: venvRoot,
  };
  for (const e of spec.env) env[e.name] = e.value;
  // After [[Env]]: the platform's own variables always win (import already refuses H2O_CLOUD_* names).
  Object.assign(env, {
    H2O_CLOUD_ENVIRONMENT: spec.portalUrl,
    H2O_CLOUD_INSTANCE_ID: spec.instanceId,
    H2O_CLOUD_APP_NAME: spec.appName,
    H2O_CLOUD_APP_VERSION: spec.appVersion,
    H2O_CLOUD_APP_ID: spec.appVersionId,
    H2O_WAVE_BASE_URL: spec.baseUrl,
  });
  if (wave) {
    Object.assign(env, {
      H2O_WAVE_LISTEN: wave.listen,
      H2O_WAVE_ADDRESS: `http://${wave.server}`,
      H2O_WAVE_APP_ADDRESS: `http://${wave.app}`,
    });
  }
  return env;
}
