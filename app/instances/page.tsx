import type { Metadata } from 'next';
import Link from 'next/link';
import { InstanceActions } from '@/components/instances/instance-actions';
import { SuspendCountdown } from '@/components/instances/suspend-countdown';
import { requirePage } from '@/lib/auth/viewer';
import { rightsOn } from '@/lib/instances/page-data';
import { presentInstance } from '@/lib/instances/present';
import { listInstances } from '@/lib/instances/store';
import { formatUtc } from '@/lib/format';

export const metadata: Metadata = { title: 'My instances' };

export default async function MyInstancesPage() {
  const viewer = await requirePage('viewer', '/instances');
  const records = listInstances(viewer, { kind: 'mine' });
  return (
    <main id="main" className="mx-auto max-w-6xl space-y-6 px-4 py-6">
      <div>
        <h1 className="text-2xl font-semibold">My instances</h1>
        <p className="text-sm text-gray-700">
          {records.length} {records.length === 1 ? 'instance' : 'instances'}. Run an app from its page in the{' '}
          <Link prefetch={false} href="/" className="text-blue-800 underline">
            catalog
          </Link>
          .
        </p>
      </div>
      {records.length === 0 ? (
        <p>You have no instances.</p>
      ) : (
        <ul className="space-y-3">
          {records.map((record) => {
            const instance = presentInstance(record);
            const rights = rightsOn(viewer, record);
            return (
              <li key={record.id} className="space-y-2 rounded-lg border border-gray-200 bg-white p-4" data-testid="instance-row">
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <h2 className="font-semibold break-words">
                    <Link prefetch={false} href={`/instances/${record.id}`} className="text-blue-800 underline">
                      {record.app.title} {record.app.version}
                    </Link>
                    {record.app.deletedAt && <span className="ml-2 text-sm font-normal text-amber-800">(version deleted)</span>}
                  </h2>
                  <p className="text-sm">
                    <span className="font-medium">{record.status}</span> · {record.visibility} · created {formatUtc(record.createdAt)}
                    {instance.suspendAfter && (
                      <>
                        {' '}
                        · <SuspendCountdown until={instance.suspendAfter} /> (at {formatUtc(new Date(instance.suspendAfter))})
                      </>
                    )}
                  </p>
                </div>
                {record.status === 'FAILED' && <p className="text-sm text-red-800">{record.reason}</p>}
                <InstanceActions instance={instance} rights={rights} />
                {rights.logs && (
                  <p className="text-sm">
                    <Link prefetch={false} href={`/instances/${record.id}#logs`} className="text-blue-800 underline">
                      Logs<span className="sr-only"> of {record.app.title} {record.app.version}</span>
                    </Link>
                  </p>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </main>
  );
}
