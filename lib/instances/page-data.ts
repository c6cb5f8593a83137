// What the instance pages show besides the instance itself: the viewer's rights on it, the app's
// environment variable names and resources, and whether this host enforces the limits.
import 'server-only';
import { allowedInstanceVisibilities, canOperateInstance, canSuspendInstance, canReadInstanceLogs, canTerminateInstance } from '@/lib/auth/instance-policy';
import type { Viewer } from '@/lib/auth/policy';
import { formatBytes } from '@/lib/format';
import { instanceManager } from './gateway';
import { versionOfInstance } from './spec';
import { factsOf, type InstanceRecord } from './store';

export function rightsOn(viewer: Viewer | null, record: InstanceRecord) {
  return {
    operate: canOperateInstance(viewer, record),
    suspend: canSuspendInstance(viewer, record),
    terminate: canTerminateInstance(viewer, record),
    visibilities: viewer && canOperateInstance(viewer, record) ? allowedInstanceVisibilities(viewer) : [],
    logs: canReadInstanceLogs(viewer, factsOf(record)),
  };
}

export async function instanceDetails(record: InstanceRecord) {
  const app = versionOfInstance(record);
  const capabilities = await instanceManager().runner.capabilities();
  return {
    envNames: [
      'H2O_CLOUD_ENVIRONMENT',
      'H2O_CLOUD_INSTANCE_ID',
      'H2O_CLOUD_APP_NAME',
      'H2O_CLOUD_APP_VERSION',
      'H2O_CLOUD_APP_ID',
      ...(app?.env ?? []).map((d) => `${d.name ?? '?'}${d.secret ? ' (from a secret)' : ''}`),
    ],
    files: (app?.files ?? []).map((d) => `${d.path ?? '?'}${d.secret ? ' (from a secret)' : ''}`),
    runtimeVersion: app?.runtimeVersion ?? null,
    resources: {
      memoryLimit: app?.runtime.memoryLimit ?? null,
      cpuLimit: app?.runtime.cpuLimit ?? null,
      volumeMount: app?.runtime.volumeMount ?? null,
      memoryEnforced: capabilities.resources.memory,
      cpuEnforced: capabilities.resources.cpu,
      note: capabilities.resources.note,
    },
    sandbox: capabilities.sandbox,
    usage: usageText(record.id),
  };
}

/** "52.3 MiB memory · 1.4 s CPU" while the instance runs, where the runner can read it; else null. */
export function usageText(instanceId: string): string | null {
  const usage = instanceManager().runner.usage(instanceId);
  if (!usage) return null;
  const parts = [
    usage.memoryBytes !== null ? `${formatBytes(usage.memoryBytes)} memory` : null,
    usage.cpuSeconds !== null ? `${usage.cpuSeconds.toFixed(1)} s CPU` : null,
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : null;
}
