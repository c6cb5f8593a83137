// Suspend, resume (or restart a FAILED instance) and keep running, as the API and the pages ask for them.
import 'server-only';
import { accessSettings } from '@/lib/auth/viewer';
import type { Viewer } from '@/lib/auth/policy';
import { AppError } from '@/lib/errors';
import { instanceManager } from './gateway';
import { presentInstance, type InstanceJson } from './present';
import { authorizeOperation, getInstance } from './store';

export type Operation = 'suspend' | 'resume' | 'keep-alive';

export async function operate(viewer: Viewer, id: string, operation: Operation): Promise<InstanceJson> {
  const settings = accessSettings();
  const record = authorizeOperation(viewer, id, operation, settings);
  const manager = instanceManager();
  if (operation === 'suspend') {
    if (record.status === 'SUSPENDED') throw new AppError('CONFLICT', 'The instance is already paused.');
    await manager.suspend(id, { actorId: viewer.id });
  } else if (operation === 'resume') {
    if (record.status === 'DEPLOYED' || record.status === 'PENDING') throw new AppError('CONFLICT', `The instance is already ${record.status === 'PENDING' ? 'starting' : 'running'}.`);
    void manager.resume(id, viewer.id);
  } else {
    if (record.status !== 'DEPLOYED') throw new AppError('CONFLICT', 'Only a running instance can be kept running.');
    manager.keepAlive(record);
  }
  return presentInstance(getInstance(viewer, id, settings));
}
