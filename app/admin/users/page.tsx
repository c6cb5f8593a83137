import type { Metadata } from 'next';
import { CreateUserForm, EditUserForm } from '@/components/admin/user-forms';
import { requirePage } from '@/lib/auth/viewer';
import { formatUtc } from '@/lib/format';
import { listUsers } from '@/lib/users/users';
import { createUserAction, updateUserAction } from './actions';

export const metadata: Metadata = { title: 'Users' };

export default async function AdminUsersPage() {
  const viewer = await requirePage('admin', '/admin/users');
  const users = listUsers();
  return (
    <main id="main" className="mx-auto max-w-6xl space-y-8 px-4 py-6">
      <h1 className="text-2xl font-semibold">Users</h1>
      <section aria-labelledby="create-user" className="rounded-lg border border-gray-200 bg-white p-4">
        <h2 id="create-user" className="mb-3 text-lg font-semibold">
          Create a user
        </h2>
        <CreateUserForm createUser={createUserAction} />
      </section>
      <section aria-labelledby="all-users">
        <h2 id="all-users" className="mb-3 text-lg font-semibold">
          All users ({users.length})
        </h2>
        <ul className="space-y-3">
          {users.map((user) => (
            <li key={user.id} id={`user-${user.id}`} className="rounded-lg border border-gray-200 bg-white p-4" data-testid="user-row">
              <details>
                <summary className="flex cursor-pointer flex-wrap items-baseline gap-x-3">
                  <span className="font-medium">{user.email}</span>
                  <span className="text-sm text-gray-700">{user.name}</span>
                  {user.isAdmin && <span className="rounded bg-blue-100 px-2 text-xs text-blue-900">admin</span>}
                  {user.disabled && <span className="rounded bg-red-100 px-2 text-xs text-red-900">disabled</span>}
                  {user.roles.length > 0 && <span className="text-xs text-gray-700">roles: {user.roles.join(', ')}</span>}
                  <span className="text-xs text-gray-600">
                    last seen {user.lastSeenAt ? formatUtc(user.lastSeenAt) : 'never'}
                  </span>
                </summary>
                <div className="mt-4">
                  <EditUserForm user={user} updateUser={updateUserAction} />
                </div>
              </details>
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
