// What an empty catalog offers on a new portal: an Import app button to those who may import, a short
// checklist to administrators, and the way to the guide and the CLI. Shown by the catalog page only when
// the viewer sees no apps at all and asked for no search or filter.
import Link from 'next/link';
import { canImportApps, type Viewer } from '@/lib/auth/policy';
import { setupChecklist } from '@/lib/setup/checklist';
import { buttonClass } from '@/components/ui/field';

/** The catalog's own query keys that narrow it (sorting and paging do not). */
const NARROWING = ['q', 'category', 'badge'];

function Check({ done, children }: { done: boolean; children: React.ReactNode }) {
  return (
    <li className="flex gap-2">
      <span aria-hidden="true" className={done ? 'text-green-800' : 'text-gray-600'}>
        {done ? '✓' : '○'}
      </span>
      <span>
        <span className="sr-only">{done ? 'Done: ' : 'To do: '}</span>
        {children}
      </span>
    </li>
  );
}

export function FirstRun({ viewer, query }: { viewer: Viewer | null; query: Record<string, string | string[] | undefined> }) {
  if (NARROWING.some((key) => query[key] !== undefined && query[key] !== '')) return null;
  const importer = canImportApps(viewer);
  const checklist = setupChecklist(viewer);
  if (!importer && !checklist) return null;
  return (
    <section aria-labelledby="first-run-heading" className="rounded-lg border border-gray-200 bg-white p-6" data-testid="first-run">
      <h2 id="first-run-heading" className="text-lg font-semibold">
        Get started
      </h2>
      {importer && (
        <div className="mt-2 space-y-3">
          <p className="text-gray-800">
            Package an app as a <code>.wave</code> bundle and import it: it starts PRIVATE, so you can try it before you
            publish it to everyone.
          </p>
          <Link prefetch={false} href="/my-apps/import" className={`${buttonClass} inline-block`}>
            Import app
          </Link>
        </div>
      )}
      {checklist && (
        <div className="mt-5">
          <h3 className="font-semibold">Set up this portal</h3>
          <ul className="mt-2 space-y-2 text-sm text-gray-900" data-testid="setup-checklist">
            <Check done={checklist.categories > 0}>
              <Link prefetch={false} href="/admin/tags" className="text-blue-800 underline">
                Create categories
              </Link>{' '}
              (tags marked as a category) so people can filter the catalog.{' '}
              <span className="text-gray-700">
                {checklist.categories === 0 ? 'None yet.' : `${checklist.categories} so far.`}
              </span>
            </Check>
            <Check done={checklist.otherUsers > 0}>
              <Link prefetch={false} href="/admin/users" className="text-blue-800 underline">
                Invite users
              </Link>
              : create their accounts (or switch on single sign-on).{' '}
              <span className="text-gray-700">
                {checklist.otherUsers === 0 ? 'Only you so far.' : `${checklist.otherUsers} other ${checklist.otherUsers === 1 ? 'user' : 'users'}.`}
              </span>
            </Check>
            <Check done={checklist.fullAccessRole !== null}>
              If you want <strong>visitors</strong> (people who see only the apps shown to them through authorization tags),
              set <code>FULL_ACCESS_ROLE</code> to the role that grants full access.{' '}
              <span className="text-gray-700">
                {checklist.fullAccessRole === null ? (
                  'Not set: everyone who signs in has full access.'
                ) : (
                  <>
                    Set to <code>{checklist.fullAccessRole}</code>.
                  </>
                )}
              </span>
            </Check>
          </ul>
        </div>
      )}
      <p className="mt-5 text-sm text-gray-800">
        New to bundles?{' '}
        <Link prefetch={false} href="/help" className="text-blue-800 underline">
          Read the guide to app.toml and the appstore CLI
        </Link>
        .
      </p>
    </section>
  );
}
