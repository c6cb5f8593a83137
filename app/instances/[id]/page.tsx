import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { InstanceLogs } from '@/components/instances/instance-logs';
import { InstanceStatus } from '@/components/instances/instance-status';
import { accessSettings, getViewer } from '@/lib/auth/viewer';
import { AppError } from '@/lib/errors';
import { aliasesOf } from '@/lib/instances/aliases';
import { instanceDetails, rightsOn } from '@/lib/instances/page-data';
import { presentInstance } from '@/lib/instances/present';
import { getInstance, type InstanceRecord } from '@/lib/instances/store';
import { formatUtc } from '@/lib/format';
import { appUrl } from '@/lib/urls';

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ open?: string }> };

export const metadata: Metadata = { title: 'Instance' };

export default async function InstancePage({ params, searchParams }: Props) {
  const viewer = await getViewer();
  const { id } = await params;
  let record: InstanceRecord;
  try {
    record = getInstance(viewer, id, accessSettings());
  } catch (error) {
    if (error instanceof AppError) notFound();
    throw error;
  }
  const rights = rightsOn(viewer, record);
  const details = await instanceDetails(record);
  const instance = presentInstance(record);
  const { open } = await searchParams;
  const aliases = aliasesOf(record.id);
  return (
    <main id="main" className="mx-auto max-w-4xl space-y-6 px-4 py-6">
      <div>
        <p className="text-sm text-gray-700">
          <Link prefetch={false} href="/instances" className="text-blue-800 underline">
            My instances
          </Link>
        </p>
        <h1 className="text-2xl font-semibold break-words">
          {record.app.title} <span className="text-gray-700">{record.app.version}</span>
        </h1>
        {aliases.length > 0 && (
          <p className="text-sm break-all">
            Aliases:{' '}
            {aliases.map((a, i) => (
              <span key={a.name}>
                {i > 0 && ', '}
                <code>{a.name}</code>
                {a.primary && ' (primary)'}
              </span>
            ))}
          </p>
        )}
        <p className="text-sm text-gray-700 break-all">
          Instance {record.id} · {record.visibility} · started by {record.owner.name}
          {record.app.deletedAt === null && (
            <>
              {' · '}
              <Link prefetch={false} href={appUrl(record.app.name, record.app.version)} className="text-blue-800 underline">
                app page
              </Link>
            </>
          )}
        </p>
        {record.app.deletedAt !== null && (
          <p className="mt-2 rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900" data-testid="version-deleted">
            {record.app.name} {record.app.version} was deleted on {formatUtc(record.app.deletedAt)}. This instance keeps running
            and can be paused and resumed, but no new instances of that version start.
          </p>
        )}
      </div>
      <InstanceStatus initial={instance} rights={rights} openWhenReady={open === '1'} />
      <section aria-labelledby="env-heading" className="grid gap-4 sm:grid-cols-2">
        <div>
          <h2 id="env-heading" className="font-semibold">
            Environment variables
          </h2>
          <ul className="mt-1 text-sm break-all">
            {details.envNames.map((n) => (
              <li key={n}>
                <code>{n}</code>
              </li>
            ))}
          </ul>
          {details.files.length > 0 && (
            <>
              <h3 className="mt-3 font-semibold">Files</h3>
              <ul className="mt-1 text-sm break-all">
                {details.files.map((f) => (
                  <li key={f}>
                    <code>{f}</code>
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
        <div>
          <h2 className="font-semibold">Resources</h2>
          <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 text-sm">
            <dt>Memory limit</dt>
            <dd>
              {details.resources.memoryLimit ?? 'none'}
              {details.resources.memoryLimit && !details.resources.memoryEnforced && ' (not enforced on this host)'}
            </dd>
            <dt>CPU limit</dt>
            <dd>
              {details.resources.cpuLimit ?? 'none'}
              {details.resources.cpuLimit && !details.resources.cpuEnforced && ' (not enforced on this host)'}
            </dd>
            <dt>Volume</dt>
            <dd className="break-all">{details.resources.volumeMount ?? 'none'}</dd>
            <dt>In use</dt>
            <dd data-testid="instance-usage">{details.usage ?? 'not running, or not readable on this host'}</dd>
            <dt>Runtime</dt>
            <dd className="break-all">{details.runtimeVersion ?? 'default'}</dd>
          </dl>
          {!details.sandbox.enabled && (
            <p className="mt-2 text-sm text-red-800">
              {details.sandbox.disabledByOperator
                ? 'The sandbox is switched off on this server (RUNNER_SANDBOX=off).'
                : `Instances cannot run here: ${details.sandbox.unavailableReason}`}
            </p>
          )}
        </div>
      </section>
      {rights.logs && (
        <section id="logs" aria-labelledby="logs-heading" className="scroll-mt-4 space-y-2">
          <h2 id="logs-heading" className="font-semibold">
            Logs
          </h2>
          <InstanceLogs instanceId={record.id} />
        </section>
      )}
    </main>
  );
}
