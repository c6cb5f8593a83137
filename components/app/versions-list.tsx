// Every version of the Name the viewer may see, newest first: the latest marked as such, the shown one in bold
// (aria-current).
import Link from 'next/link';
import type { VersionEntry } from '@/lib/apps/read';
import { appUrl } from '@/lib/urls';

export function VersionsList({ name, versions, currentId }: { name: string; versions: VersionEntry[]; currentId: string }) {
  return (
    <section aria-labelledby="versions-heading" className="rounded-lg border border-gray-200 bg-white p-4">
      <h2 id="versions-heading" className="mb-2 text-base font-semibold">
        Versions
      </h2>
      <ul className="space-y-1 text-sm" data-testid="versions">
        {versions.map((v, i) => (
          <li key={v.id} className="flex flex-wrap items-baseline gap-x-2">
            <Link
              prefetch={false}
              href={appUrl(name, v.version)}
              aria-current={v.id === currentId ? 'page' : undefined}
              className={v.id === currentId ? 'font-semibold text-gray-900' : 'text-blue-800 underline'}
            >
              {v.version}
            </Link>
            {i === 0 && <span className="rounded bg-blue-100 px-1.5 text-xs text-blue-900">latest</span>}
            {v.visibility !== 'ALL_USERS' && <span className="rounded bg-gray-100 px-1.5 text-xs text-gray-800">{v.visibility}</span>}
            <span className="text-xs text-gray-600">{v.importedAt.toISOString().slice(0, 10)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
