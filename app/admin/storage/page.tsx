import type { Metadata } from 'next';
import { buttonClass, secondaryButtonClass } from '@/components/ui/field';
import { requirePage } from '@/lib/auth/viewer';
import { lastFsck } from '@/lib/backup/fsck';
import { ActionButton } from '@/components/forms/action-button';
import { checkStorageAction } from './actions';
import Link from 'next/link';
import { formatUtc } from '@/lib/format';
import { appUrl } from '@/lib/urls';

export const metadata: Metadata = { title: 'Storage · Admin' };

export default async function AdminStoragePage() {
  await requirePage('admin', '/admin/storage');
  const last = lastFsck();
  const r = last?.report;
  return (
    <main id="main" className="mx-auto max-w-5xl space-y-6 px-4 py-6">
      <div>
        <h1 className="text-2xl font-semibold">Storage</h1>
        <p className="mt-1 max-w-prose text-sm text-gray-700">
          The portal checks weekly that its database is sound and that every stored bundle and image matches the database
          (also <code>appstore admin fsck</code>). Backups are taken while it keeps serving.
        </p>
      </div>
      <section aria-labelledby="check-heading" className="space-y-3 rounded-lg border border-gray-200 bg-white p-4">
        <h2 id="check-heading" className="text-lg font-semibold">
          Last check
        </h2>
        {!last || !r ? (
          <p>No check has run yet.</p>
        ) : (
          <>
            <p data-testid="fsck-summary" className={r.ok ? 'text-green-800' : 'font-medium text-red-800'}>
              {formatUtc(last.at)}:{' '}
              {r.ok
                ? 'everything checks out.'
                : `${r.corrupted.length} corrupted, ${r.missing.length} missing, ${r.orphans.length - r.removed.length} orphan file(s); database ${r.database.length ? 'damaged' : 'ok'}.`}
            </p>
            {!r.ok && (
              <ul className="list-disc space-y-1 pl-6 text-sm break-all">
                {r.database.map((d) => (
                  <li key={d}>Database: {d}</li>
                ))}
                {r.corrupted.map((c) => (
                  <li key={c.file}>Corrupted: {c.file}</li>
                ))}
                {r.missing.map((m) => (
                  <li key={m.file}>
                    Missing: {m.file} (needed by {m.apps.join(', ')})
                  </li>
                ))}
                {r.orphans.map((o) => (
                  <li key={o}>Not referenced: {o}</li>
                ))}
                {r.broken.map((b) => (
                  <li key={b.id}>
                    Marked broken until a check finds its files again:{' '}
                    <Link prefetch={false} href={appUrl(b.name, b.version)} className="text-blue-800 underline">
                      {b.name} {b.version}
                    </Link>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
        <ActionButton action={checkStorageAction} className={secondaryButtonClass}>
          Check now
        </ActionButton>
      </section>
      <section aria-labelledby="backup-heading" className="space-y-3 rounded-lg border border-gray-200 bg-white p-4">
        <h2 id="backup-heading" className="text-lg font-semibold">
          Backup
        </h2>
        <p className="text-sm text-gray-700">
          A tar archive of the database, every bundle and image, and the keys that decrypt secrets: keep it as safe as the server.
          Restore it with <code>appstore admin restore FILE --data-dir DIR</code>.
        </p>
        <form method="post" action="/api/v1/admin/backups">
          <button type="submit" className={buttonClass}>
            Download a backup
          </button>
        </form>
      </section>
    </main>
  );
}
