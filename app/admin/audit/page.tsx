import type { Metadata } from 'next';
import Link from 'next/link';
import { describeAudit } from '@/lib/audit/describe';
import { listAudit } from '@/lib/audit/audit';
import { requirePage } from '@/lib/auth/viewer';
import { formatUtc } from '@/lib/format';

export const metadata: Metadata = { title: 'Audit log' };

const PAGE = 100;

export default async function AuditPage({ searchParams }: { searchParams: Promise<{ before?: string | string[] }> }) {
  const viewer = await requirePage('admin', '/admin/audit');
  const { before } = await searchParams;
  const beforeId = typeof before === 'string' && /^\d+$/.test(before) ? Number(before) : undefined;
  const entries = listAudit({ before: beforeId, limit: PAGE });
  return (
    <main id="main" className="mx-auto max-w-6xl space-y-6 px-4 py-6">
      <h1 className="text-2xl font-semibold">Audit log</h1>
      <p className="text-sm text-gray-700">Imports, changes of app visibility and tags, deleted versions, and the administration of tags, secrets and runtime versions, newest first.</p>
      {entries.length === 0 ? (
        <p className="text-gray-700">Nothing recorded{beforeId ? ' before this point' : ' yet'}.</p>
      ) : (
        // Focusable so that keyboard users can scroll it sideways on a narrow screen.
        <div className="overflow-x-auto rounded-lg border border-gray-200 bg-white" tabIndex={0} role="region" aria-label="Audit entries">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Audit entries</caption>
            <thead className="bg-gray-100">
              <tr>
                <th scope="col" className="px-3 py-2">When</th>
                <th scope="col" className="px-3 py-2">Who</th>
                <th scope="col" className="px-3 py-2">What</th>
                <th scope="col" className="px-3 py-2">Change</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-gray-200">
              {entries.map((e) => {
                const d = describeAudit(e.action, e.details);
                return (
                  <tr key={e.id} data-testid="audit-row" className="align-top">
                    <td className="whitespace-nowrap px-3 py-2">{formatUtc(e.at)}</td>
                    <td className="px-3 py-2">
                      {e.actor ? (
                        <>
                          {e.actor.name} <span className="text-gray-700">({e.actor.email})</span>
                        </>
                      ) : (
                        <span className="text-gray-700">deleted user</span>
                      )}
                    </td>
                    <td className="px-3 py-2">{d.target}</td>
                    <td className="px-3 py-2">
                      <ul>
                        {d.changes.map((c) => (
                          <li key={c}>{c}</li>
                        ))}
                      </ul>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {entries.length === PAGE && (
        <Link href={`/admin/audit?before=${entries.at(-1)!.id}`} className="text-blue-800 underline">
          Older entries
        </Link>
      )}
    </main>
  );
}
