import type { Metadata } from 'next';
import Link from 'next/link';
import { InstanceActions } from '@/components/instances/instance-actions';
import { AutoSuspendToggle } from '@/components/instances/auto-suspend-toggle';
import { requirePage } from '@/lib/auth/viewer';
import { formatUtc } from '@/lib/format';
import { instanceManager } from '@/lib/instances/gateway';
import { rightsOn, usageText } from '@/lib/instances/page-data';
import { presentInstance } from '@/lib/instances/present';
import { listInstances } from '@/lib/instances/store';

export const metadata: Metadata = { title: 'Instances · Admin' };

const STATUSES = ['PENDING', 'DEPLOYED', 'SUSPENDED', 'FAILED'] as const;

export default async function AdminInstancesPage({ searchParams }: { searchParams: Promise<{ status?: string; app?: string; owner?: string }> }) {
  const viewer = await requirePage('admin', '/admin/instances');
  const { status: asked, app, owner } = await searchParams;
  const status = STATUSES.find((s) => s === asked);
  // The same filters as `GET /api/v1/instances?all=1` and `appstore admin instance list`.
  const records = listInstances(viewer, { kind: 'all', status, app: app || undefined, owner: owner || undefined });
  const capabilities = await instanceManager().runner.capabilities();
  return (
    <main id="main" className="mx-auto max-w-6xl space-y-6 px-4 py-6">
      <h1 className="text-2xl font-semibold">Instances</h1>
      {!capabilities.sandbox.enabled && (
        <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
          {capabilities.sandbox.disabledByOperator
            ? 'Warning: the sandbox is switched off (RUNNER_SANDBOX=off). Apps run as plain processes that see this host’s files and network (under their own unprivileged user only when the portal runs as root), and can reach other instances directly.'
            : `Instances cannot start on this server: ${capabilities.sandbox.unavailableReason}`}
        </p>
      )}
      <p className="text-sm text-gray-700">
        BASE_URL apps are served from the portal’s own origin unless APPS_ORIGIN is set: their code runs on the same origin as the
        portal and can act as the signed-in user in the browser. Import only apps you trust with BASE_URL routing, or set APPS_ORIGIN.
      </p>
      <form method="get" className="flex flex-wrap items-end gap-3">
        <label className="text-sm">
          <span className="block font-medium">Status</span>
          <select name="status" defaultValue={status ?? ''} className="mt-1 rounded-md border border-gray-400 bg-white px-2 py-2">
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          <span className="block font-medium">App</span>
          <input name="app" defaultValue={app ?? ''} className="mt-1 rounded-md border border-gray-400 bg-white px-3 py-2" />
        </label>
        <label className="text-sm">
          <span className="block font-medium">Owner (name or e-mail)</span>
          <input name="owner" defaultValue={owner ?? ''} className="mt-1 rounded-md border border-gray-400 bg-white px-3 py-2" />
        </label>
        <button type="submit" className="rounded-md border border-gray-400 bg-white px-4 py-2 text-sm font-medium">
          Filter
        </button>
      </form>
      <p className="text-sm">{records.length} shown</p>
      <ul className="space-y-3">
        {records.map((record) => {
          const usage = usageText(record.id);
          return (
          <li key={record.id} className="space-y-2 rounded-lg border border-gray-200 bg-white p-4" data-testid="admin-instance">
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <h2 className="font-semibold break-words">
                <Link prefetch={false} href={`/instances/${record.id}`} className="text-blue-800 underline">
                  {record.app.title} {record.app.version}
                </Link>
              </h2>
              <p className="text-sm">
                {record.status} · {record.visibility} · {record.owner.name} · created {formatUtc(record.createdAt)}
                {usage && <> · {usage}</>}
              </p>
            </div>
            <div className="flex flex-wrap items-start gap-4">
              <InstanceActions instance={presentInstance(record)} rights={rightsOn(viewer, record)} afterTerminate="/admin/instances" />
              <AutoSuspendToggle instanceId={record.id} autoSuspend={record.autoSuspend} />
            </div>
          </li>
          );
        })}
      </ul>
    </main>
  );
}
