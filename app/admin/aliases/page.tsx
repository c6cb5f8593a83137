import type { Metadata } from 'next';
import Link from 'next/link';
import { AliasControls, NewAliasForm } from '@/components/instances/alias-manager';
import { requirePage } from '@/lib/auth/viewer';
import { listAliases } from '@/lib/instances/aliases';

export const metadata: Metadata = { title: 'Aliases · Admin' };

export default async function AdminAliasesPage() {
  const viewer = await requirePage('admin', '/admin/aliases');
  const aliases = listAliases(viewer);
  return (
    <main id="main" className="mx-auto max-w-6xl space-y-6 px-4 py-6">
      <div>
        <h1 className="text-2xl font-semibold">Aliases</h1>
        <p className="text-sm text-gray-700">
          Pretty addresses for instances. An instance is reached under its primary alias; its id and other aliases redirect
          there. An alias whose instance is gone answers 404 until it is assigned again; a primary alias stays primary, so
          assigning it to a new instance (a roll-out) needs nothing else.
        </p>
        <p className="text-sm text-gray-700">
          A BASE_URL app learns its address when it starts: when a running BASE_URL instance gets another primary alias (or loses
          it), it is restarted under the new address, which takes a few seconds.
        </p>
      </div>
      <NewAliasForm />
      {aliases.length === 0 ? (
        <p>No aliases yet.</p>
      ) : (
        <ul className="space-y-3">
          {aliases.map((alias) => (
            <li key={alias.name} className="space-y-2 rounded-lg border border-gray-200 bg-white p-4" data-testid="alias-row">
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <h2 className="font-semibold break-all">
                  {alias.name}
                  {alias.primary && (
                    <span className="ml-2 rounded bg-blue-100 px-2 py-0.5 text-xs font-medium text-blue-900">
                      {alias.instanceId ? 'primary' : 'primary when assigned'}
                    </span>
                  )}
                </h2>
                <p className="text-sm break-all">
                  {alias.instanceId && alias.app ? (
                    <>
                      <Link prefetch={false} href={`/instances/${alias.instanceId}`} className="text-blue-800 underline">
                        {alias.app.title} {alias.app.version}
                      </Link>{' '}
                      · {alias.instanceStatus} · {alias.active ? 'answers' : 'does not answer'}
                      {alias.url && (
                        <>
                          {' '}
                          ·{' '}
                          <a href={alias.url} className="text-blue-800 underline">
                            {alias.url}
                          </a>
                        </>
                      )}
                    </>
                  ) : (
                    'Not assigned: answers 404'
                  )}
                </p>
              </div>
              <AliasControls alias={alias} />
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
