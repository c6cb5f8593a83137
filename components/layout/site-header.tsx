// The header on every page: the store's name, main links, and who is signed in with a menu to sign out.
import Link from 'next/link';
import type { FormAction } from '@/lib/actions/validated-action';
import { getViewer } from '@/lib/auth/viewer';
import { ActionButton } from '@/components/forms/action-button';
import { HeaderMenu } from './header-menu';

/** `signOut`: the layout's sign-out action (components receive actions as props). */
export async function SiteHeader({ signOut }: { signOut: FormAction }) {
  const viewer = await getViewer();
  return (
    <header className="border-b border-gray-200 bg-white">
      <nav aria-label="Main" className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-5 gap-y-2 px-4 py-3">
        <Link prefetch={false} href="/" className="text-lg font-bold text-blue-800">
          App Store
        </Link>
        {viewer && (
          <>
            <Link prefetch={false} href="/" className="text-sm text-gray-800 hover:underline">
              Catalog
            </Link>
            <Link prefetch={false} href="/my-apps" className="text-sm text-gray-800 hover:underline">
              My Apps
            </Link>
            <Link prefetch={false} href="/instances" className="text-sm text-gray-800 hover:underline">
              My instances
            </Link>
            {viewer.fullAccess && (
              <Link prefetch={false} href="/my-secrets" className="text-sm text-gray-800 hover:underline">
                My secrets
              </Link>
            )}
          </>
        )}
        {viewer?.isAdmin && (
          <HeaderMenu testId="admin-menu" summary={<summary className="cursor-pointer text-gray-800">Admin</summary>}>
            <ul className="absolute z-20 mt-2 w-44 rounded-md border border-gray-200 bg-white p-1 shadow-lg">
              {[
                ['/admin/users', 'Users'],
                ['/admin/apps', 'Apps'],
                ['/admin/instances', 'Instances'],
                ['/admin/aliases', 'Aliases'],
                ['/admin/storage', 'Storage'],
                ['/admin/tags', 'Tags'],
                ['/admin/secrets', 'Secrets'],
                ['/admin/runtimes', 'Runtime versions'],
                ['/admin/sso', 'Single sign-on'],
                ['/admin/audit', 'Audit log'],
              ].map(([href, label]) => (
                <li key={href}>
                  <Link prefetch={false} href={href} className="block rounded px-3 py-2 hover:bg-gray-100">
                    {label}
                  </Link>
                </li>
              ))}
            </ul>
          </HeaderMenu>
        )}
        <div className="ml-auto">
          {viewer ? (
            <HeaderMenu
              testId="account-menu"
              summary={
                <summary className="cursor-pointer text-gray-800">
                  <span className="sr-only">Account menu, signed in as </span>
                  <span data-testid="signed-in-as">{viewer.name}</span>
                </summary>
              }
            >
              <div className="absolute right-0 z-20 mt-2 w-56 rounded-md border border-gray-200 bg-white p-2 shadow-lg">
                <p className="truncate px-2 pb-2 text-xs text-gray-600">{viewer.email}</p>
                <Link prefetch={false} href="/account" className="block rounded px-2 py-2 hover:bg-gray-100">
                  Your account
                </Link>
                <Link prefetch={false} href="/account/tokens" className="block rounded px-2 py-2 hover:bg-gray-100">
                  API tokens
                </Link>
                <ActionButton action={signOut} className="w-full rounded px-2 py-2 text-left hover:bg-gray-100">
                  Sign out
                </ActionButton>
              </div>
            </HeaderMenu>
          ) : (
            <Link prefetch={false} href="/login" className="text-sm font-medium text-blue-800 hover:underline">
              Sign in
            </Link>
          )}
        </div>
      </nav>
    </header>
  );
}
