import type { Metadata } from 'next';
import { CreateUserForm } from '@/components/admin/user-forms';
import { UserList } from '@/components/admin/user-list';
import { controlClass, ListPagination, ListSearchForm, rangeText } from '@/components/lists/list-controls';
import { requirePage } from '@/lib/auth/viewer';
import { listHref, parseListParams, type SearchParams } from '@/lib/list-params';
import { searchUsers, USER_LIST_SORTS, type UserQuery } from '@/lib/users/users';
import { createUserAction, updateUserAction } from './actions';

export const metadata: Metadata = { title: 'Users' };

const PAGE_SIZE = 25;
const SORTS = [
  { value: 'newest', label: 'Newest first' },
  { value: 'email', label: 'E-mail (A–Z)' },
  { value: 'name', label: 'Name (A–Z)' },
  { value: 'last-seen', label: 'Last seen' },
] as const satisfies readonly { value: (typeof USER_LIST_SORTS)[number]; label: string }[];
const STATUSES = [
  { value: 'admin', label: 'Administrators' },
  { value: 'active', label: 'Active' },
  { value: 'disabled', label: 'Disabled' },
] as const satisfies readonly { value: NonNullable<UserQuery['status']>; label: string }[];

export default async function AdminUsersPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const viewer = await requirePage('admin', '/admin/users');
  const params = await searchParams;
  // Newest first by default: an account just created is on the first page.
  const list = parseListParams(params, USER_LIST_SORTS, 'newest');
  const status = STATUSES.find((s) => s.value === params.status)?.value;
  const result = searchUsers(viewer, { search: list.q, status, sort: list.sort, page: list.page, pageSize: PAGE_SIZE });
  const href = (page: number) => listHref('/admin/users', { q: list.q, status, sort: list.sort, page }, { sort: 'newest' });
  return (
    <main id="main" className="mx-auto max-w-6xl space-y-8 px-4 py-6">
      <h1 className="text-2xl font-semibold">Users</h1>
      <section aria-labelledby="create-user" className="rounded-lg border border-gray-200 bg-white p-4">
        <h2 id="create-user" className="mb-3 text-lg font-semibold">
          Create a user
        </h2>
        <CreateUserForm createUser={createUserAction} />
      </section>
      <section aria-labelledby="all-users" className="space-y-4">
        <h2 id="all-users" className="text-lg font-semibold">
          All users
        </h2>
        <ListSearchForm
          action="/admin/users"
          label="Search users"
          idPrefix="users"
          q={list.q}
          searchHint="E-mail, name or role"
          sort={list.sort}
          sorts={SORTS}
          active={list.q !== '' || list.sort !== 'newest' || status !== undefined}
        >
          <div>
            <label htmlFor="users-status" className="block text-sm font-medium">
              Status
            </label>
            <select id="users-status" name="status" defaultValue={status ?? ''} className={controlClass}>
              <option value="">Everyone</option>
              {STATUSES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </div>
        </ListSearchForm>
        <p className="text-sm text-gray-700" role="status" data-testid="list-summary">
          {rangeText(result.page, PAGE_SIZE, result.users.length, result.total, ['user', 'users'])}
        </p>
        {result.users.length > 0 && (
          <UserList
            users={result.users.map(({ id, email, name, roles, isAdmin, disabled, lastSeenAt }) => ({ id, email, name, roles, isAdmin, disabled, lastSeenAt }))}
            updateUser={updateUserAction}
          />
        )}
        <ListPagination page={result.page} pageCount={result.pageCount} href={href} label="Users pages" />
      </section>
    </main>
  );
}
