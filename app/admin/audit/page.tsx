import type { Metadata } from 'next';
import Link from 'next/link';
import { describeAudit } from '@/lib/audit/describe';
import { auditFilterFrom, auditPageUrl, auditTargetUrl, AUDIT_KINDS } from '@/lib/audit/filters';
import { listAudit } from '@/lib/audit/audit';
import { requirePage } from '@/lib/auth/viewer';
import { formatUtc } from '@/lib/format';
import { buttonClass, secondaryButtonClass } from '@/components/ui/field';

export const metadata: Metadata = { title: 'Audit log' };

const PAGE = 100;
const input = 'mt-1 block w-full rounded-md border border-gray-400 bg-white px-3 py-2 text-sm text-gray-900';

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePage('admin', '/admin/audit');
  const filter = auditFilterFrom(await searchParams);
  const entries = listAudit({ ...filter.query, limit: PAGE });
  const filtered = filter.active;
  return (
    <main id="main" className="mx-auto max-w-6xl space-y-6 px-4 py-6">
      <h1 className="text-2xl font-semibold">Audit log</h1>
      <p className="text-sm text-gray-700">
        Imports, changes of app visibility and tags, deleted versions, instances and aliases, the administration of tags, secrets,
        runtime versions and users, API tokens created and revoked, and sign-in lockouts, newest first.
      </p>
      <form method="get" action="/admin/audit" aria-label="Filter the audit log" className="grid gap-3 sm:grid-cols-3 lg:grid-cols-6">
        <div>
          <label htmlFor="audit-actor" className="block text-sm font-medium">Who</label>
          <input id="audit-actor" name="actor" defaultValue={filter.values.actor} placeholder="e-mail or name" className={input} />
        </div>
        <div>
          <label htmlFor="audit-kind" className="block text-sm font-medium">Kind</label>
          <select id="audit-kind" name="kind" defaultValue={filter.values.kind} className={input}>
            <option value="">Everything</option>
            {AUDIT_KINDS.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="audit-app" className="block text-sm font-medium">App Name</label>
          <input id="audit-app" name="app" defaultValue={filter.values.app} className={input} />
        </div>
        <div>
          <label htmlFor="audit-from" className="block text-sm font-medium">From (UTC)</label>
          <input id="audit-from" name="from" type="date" defaultValue={filter.values.from} className={input} />
        </div>
        <div>
          <label htmlFor="audit-to" className="block text-sm font-medium">To (UTC, inclusive)</label>
          <input id="audit-to" name="to" type="date" defaultValue={filter.values.to} className={input} />
        </div>
        <div className="flex items-end gap-2">
          <button type="submit" className={buttonClass}>
            Filter
          </button>
          {filtered && (
            <Link prefetch={false} href="/admin/audit" className={secondaryButtonClass}>
              Clear
            </Link>
          )}
        </div>
      </form>
      {entries.length === 0 ? (
        <p className="text-gray-700">Nothing recorded{filtered ? ' that matches' : ''}{filter.query.before ? ' before this point' : filtered ? '' : ' yet'}.</p>
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
                const href = auditTargetUrl(e);
                return (
                  <tr key={e.id} data-testid="audit-row" className="align-top">
                    <td className="whitespace-nowrap px-3 py-2">{formatUtc(e.at)}</td>
                    <td className="px-3 py-2">
                      {e.actor ? (
                        <Link prefetch={false} href={auditPageUrl({ ...filter.values, actor: e.actor.email })} className="text-blue-800 underline">
                          {e.actor.name} <span className="text-gray-700">({e.actor.email})</span>
                        </Link>
                      ) : (
                        <span className="text-gray-700">{e.targetType === 'sign_in' ? 'not signed in' : 'deleted user'}</span>
                      )}
                    </td>
                    <td className="px-3 py-2">
                      {href ? (
                        <Link prefetch={false} href={href} className="text-blue-800 underline">
                          {d.target}
                        </Link>
                      ) : (
                        d.target
                      )}
                    </td>
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
        <Link prefetch={false} href={auditPageUrl({ ...filter.values, before: String(entries.at(-1)!.id) })} className="text-blue-800 underline">
          Older entries
        </Link>
      )}
    </main>
  );
}
