'use client';
// Buttons that operate an instance through the API (the session is same-origin): pause, resume or restart,
// keep running, terminate, visibility. The server checks every one; this only shows what may be asked.
import { useRouter } from 'next/navigation';
import { dangerButtonClass, secondaryButtonClass } from '@/components/ui/field';
import type { InstanceJson } from '@/lib/instances/present';
import { useApiRequest } from './use-api-request';

export interface InstanceActionRights {
  operate: boolean;
  /** Pause and resume: the owner and admins. */
  suspend: boolean;
  terminate: boolean;
  visibilities: string[];
}

export function InstanceActions({
  instance,
  rights,
  afterTerminate = '/instances',
}: {
  instance: InstanceJson;
  rights: InstanceActionRights;
  afterTerminate?: string;
}) {
  const router = useRouter();
  const { pending, message, run } = useApiRequest();
  const base = `/api/v1/instances/${instance.id}`;
  const label = `${instance.app.title} ${instance.app.version}`;

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        {instance.status === 'DEPLOYED' && (
          <a href={instance.url} className={secondaryButtonClass}>
            Open<span className="sr-only"> {label}</span>
          </a>
        )}
        {rights.suspend && instance.status === 'DEPLOYED' && (
          <button type="button" className={secondaryButtonClass} disabled={pending} onClick={() => run('POST', `${base}/suspend`)}>
            Pause<span className="sr-only"> {label}</span>
          </button>
        )}
        {rights.operate && instance.status === 'DEPLOYED' && instance.suspendAfter && (
          <button type="button" className={secondaryButtonClass} disabled={pending} onClick={() => run('POST', `${base}/keep-alive`)}>
            Keep running<span className="sr-only"> {label}</span>
          </button>
        )}
        {rights.suspend && (instance.status === 'SUSPENDED' || instance.status === 'FAILED') && (
          <button type="button" className={secondaryButtonClass} disabled={pending} onClick={() => run('POST', `${base}/resume`)}>
            {instance.status === 'FAILED' ? 'Restart' : 'Resume'}
            <span className="sr-only"> {label}</span>
          </button>
        )}
        {rights.terminate && (
          <button
            type="button"
            className={dangerButtonClass}
            disabled={pending}
            onClick={() => {
              if (window.confirm(`Terminate this instance of ${label}? Its volume is deleted.`)) {
                run('DELETE', base, undefined, () => router.push(afterTerminate));
              }
            }}
          >
            Terminate<span className="sr-only"> {label}</span>
          </button>
        )}
        {rights.operate && rights.visibilities.length > 1 && (
          <label className="inline-flex items-center gap-2 text-sm">
            <span>Visibility</span>
            <select
              className="rounded-md border border-gray-400 bg-white px-2 py-2 text-gray-900"
              value={instance.visibility}
              disabled={pending}
              onChange={(e) => run('PATCH', base, { visibility: e.target.value })}
            >
              {rights.visibilities.map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <p role="status" aria-live="polite" className="min-h-5 text-sm text-red-700">
        {message}
      </p>
    </div>
  );
}
