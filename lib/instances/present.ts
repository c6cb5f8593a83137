// The one presentation shape of an instance, for the API, the CLI and the pages.
import { instanceUrl } from '@/lib/router/routes';
import { routerSettings } from './router-settings';
import type { InstanceRecord } from './store';

export interface InstanceJson {
  id: string;
  /** `deleted`: the version was deleted while this instance ran; it keeps running, but starts no new instances. */
  app: { id: string; name: string; version: string; title: string; deleted: boolean };
  owner: { id: string; name: string };
  status: InstanceRecord['status'];
  /** While PENDING: SOURCING, INSTALLING or STARTING. */
  stage: InstanceRecord['stage'];
  visibility: InstanceRecord['visibility'];
  /** Where it is opened: under its primary alias when it has one. */
  url: string;
  routingMode: 'DOMAIN' | 'BASE_URL';
  createdAt: string;
  updatedAt: string;
  /** When the idle timeout suspends it (DEPLOYED only); null: not scheduled. */
  suspendAfter: string | null;
  /** Whether the idle timeout applies to it at all. */
  suspendable: boolean;
  reason: string | null;
}

export function presentInstance(record: InstanceRecord): InstanceJson {
  return {
    id: record.id,
    app: { id: record.app.id, name: record.app.name, version: record.app.version, title: record.app.title, deleted: record.app.deletedAt !== null },
    owner: record.owner,
    status: record.status,
    stage: record.status === 'PENDING' ? record.stage : null,
    visibility: record.visibility,
    url: instanceUrl(record.primaryAlias ?? record.id, record.app.routingMode, routerSettings()),
    routingMode: record.app.routingMode,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    suspendAfter: record.status === 'DEPLOYED' && record.suspendAfter ? record.suspendAfter.toISOString() : null,
    suspendable: record.autoSuspend && record.app.instanceTimeout !== '-1',
    reason: record.reason,
  };
}
