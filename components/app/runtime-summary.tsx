// The runtime settings a person deciding to run the app cares about.
import type { AppVersionView } from '@/lib/apps/read';

export function RuntimeSummary({ app }: { app: AppVersionView }) {
  const runtime = app.runtime;
  if (!runtime) return null;
  const rows: [string, string][] = [
    ['Runtime version', app.runtimeVersion ?? runtime.customImage ?? 'default'],
    ['Lifecycle', app.instanceLifecycle + (app.instanceTimeout ? ` (timeout ${app.instanceTimeout})` : '')],
    ['Memory', [runtime.memoryReservation && `reserve ${runtime.memoryReservation}`, runtime.memoryLimit && `limit ${runtime.memoryLimit}`].filter(Boolean).join(', ') || 'default'],
    ['CPU', [runtime.cpuReservation && `reserve ${runtime.cpuReservation}`, runtime.cpuLimit && `limit ${runtime.cpuLimit}`].filter(Boolean).join(', ') || 'default'],
    ['GPU', runtime.gpuCount > 0 ? `${runtime.gpuCount}${runtime.gpuType ? ` × ${runtime.gpuType}` : ''}` : 'none'],
    ['Routing', runtime.routingMode === 'BASE_URL' ? 'base URL' : 'domain'],
  ];
  return (
    <section aria-labelledby="runtime-heading" className="rounded-lg border border-gray-200 bg-white p-4">
      <h2 id="runtime-heading" className="mb-2 text-base font-semibold">
        Runtime
      </h2>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        {rows.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="text-gray-700">{label}</dt>
            <dd className="text-gray-900">{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
