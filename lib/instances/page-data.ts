// What the instance pages show besides the instance itself: the viewer's rights on it, the app's
// environment variable names and resources, and whether this host enforces the limits.
import 'server-only';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { apps } from '@/db/schema';
import { allowedInstanceVisibilities, canOperateInstance, canSuspendInstance, canReadInstanceLogs, canTerminateInstance } from '@/lib/auth/instance-policy';
import type { Viewer } from '@/lib/auth/policy';
import { instanceManager } from './gateway';
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
  const app = getDb().select({ env: apps.env, files: apps.files, runtime: apps.runtime, runtimeVersion: apps.runtimeVersion }).from(apps).where(eq(apps.id, record.app.id)).get();
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
  };
}
