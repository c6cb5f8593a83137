import type { Metadata } from 'next';
import { AddRuntimeForm, EditRuntimeForm, RuntimeStatusButtons } from '@/components/runtimes/runtime-forms';
import { requirePage } from '@/lib/auth/viewer';
import { listRuntimeVersions, toApiRuntimeVersion } from '@/lib/runtimes/catalog';
import { addRuntimeAction, setRuntimeStatusAction, updateRuntimeAction } from './actions';

export const metadata: Metadata = { title: 'Runtime versions' };

const STATUS_STYLE = {
  default: 'bg-blue-100 text-blue-900',
  available: 'bg-gray-100 text-gray-900',
  deprecated: 'bg-amber-100 text-amber-900',
} as const;

export default async function AdminRuntimesPage() {
  const viewer = await requirePage('admin', '/admin/runtimes');
  const runtimes = listRuntimeVersions('byName').map(toApiRuntimeVersion);
  return (
    <main id="main" className="mx-auto max-w-5xl space-y-8 px-4 py-6">
      <div>
        <h1 className="text-2xl font-semibold">Runtime versions</h1>
        <p className="mt-1 max-w-prose text-sm text-gray-700">
          Apps name one in <code>[Runtime] RuntimeVersion</code>; an app that names none gets the default. Deprecated
          runtimes are still accepted, with a warning to the uploader, and cannot be the default.
        </p>
      </div>
      <section aria-labelledby="add-runtime" className="rounded-lg border border-gray-200 bg-white p-4">
        <h2 id="add-runtime" className="mb-3 text-lg font-semibold">
          Add a runtime version
        </h2>
        <AddRuntimeForm addRuntime={addRuntimeAction} />
      </section>
      <section aria-labelledby="all-runtimes">
        <h2 id="all-runtimes" className="mb-3 text-lg font-semibold">
          All runtime versions ({runtimes.length})
        </h2>
        <ul className="space-y-3">
          {runtimes.map((r) => (
            <li key={r.name} className="rounded-lg border border-gray-200 bg-white p-4" data-testid="runtime-row">
              <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
                <h3 className="font-mono font-semibold break-all">{r.name}</h3>
                <span className={`rounded px-2 py-0.5 text-xs font-medium ${STATUS_STYLE[r.status]}`}>{r.status}</span>
                <span className="text-sm text-gray-700">
                  Python {r.pythonVersion} · {r.gpu ? 'GPU' : 'CPU'}
                </span>
                {r.note && <span className="text-sm text-gray-700">{r.note}</span>}
              </div>
              <div className="mt-3">
                <RuntimeStatusButtons runtime={r} setStatus={setRuntimeStatusAction} />
              </div>
              <details className="mt-2">
                <summary className="cursor-pointer text-sm text-blue-800 underline">Edit {r.name}</summary>
                <div className="mt-2">
                  <EditRuntimeForm runtime={r} updateRuntime={updateRuntimeAction} />
                </div>
              </details>
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
