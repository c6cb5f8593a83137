'use client';
// The rows of the administrators' Users page: each user's e-mail, name, flags, roles and last visit, and an
// Edit button (aria-expanded) that shows the row's form below it (kept while hidden, so typing survives a toggle). A phone stacks the row; nothing scrolls sideways.

import { useEffect, useId, useState } from 'react';
import type { FormAction } from '@/lib/actions/validated-action';
import { formatUtc } from '@/lib/format';
import { EditUserForm, type EditableUser } from './user-forms';

export interface UserRowData extends EditableUser {
  lastSeenAt: Date | null;
}

export function UserList({ users, updateUser }: { users: UserRowData[]; updateUser: FormAction }) {
  return (
    <ul className="divide-y divide-gray-200 rounded-lg border border-gray-200 bg-white">
      {users.map((user) => (
        <UserRow key={user.id} user={user} updateUser={updateUser} />
      ))}
    </ul>
  );
}

function UserRow({ user, updateUser }: { user: UserRowData; updateUser: FormAction }) {
  const [open, setOpen] = useState(false);
  const formId = useId();
  // The audit log links to `/admin/users?q=<e-mail>#user-<id>`: arrive with that user's form open.
  useEffect(() => {
    if (window.location.hash === `#user-${user.id}`) setOpen(true);
  }, [user.id]);
  return (
    <li id={`user-${user.id}`} className="px-3 py-3 sm:px-4" data-testid="user-row">
      <div className="flex items-start gap-3">
        <div className="min-w-0 flex-1">
          <p className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
            <span className="font-medium break-all">{user.email}</span>
            <span className="text-sm break-words text-gray-700">{user.name}</span>
            {user.isAdmin && <span className="rounded bg-blue-100 px-2 text-xs text-blue-900">admin</span>}
            {user.disabled && <span className="rounded bg-red-100 px-2 text-xs text-red-900">disabled</span>}
          </p>
          <p className="flex flex-wrap gap-x-3 text-xs text-gray-700">
            {user.roles.length > 0 && <span className="break-words">roles: {user.roles.join(', ')}</span>}
            <span>last seen {user.lastSeenAt ? formatUtc(user.lastSeenAt) : 'never'}</span>
          </p>
        </div>
        <button
          type="button"
          aria-expanded={open}
          aria-controls={formId}
          aria-label={`Edit ${user.email}`}
          onClick={() => setOpen(!open)}
          className="inline-flex h-10 shrink-0 items-center gap-1.5 rounded-md border border-gray-400 bg-white px-3 text-sm font-medium text-gray-900 hover:bg-gray-100"
        >
          <svg aria-hidden="true" viewBox="0 0 20 20" className={`h-4 w-4 transition-transform ${open ? 'rotate-180' : ''}`} fill="currentColor">
            <path d="M5.3 7.3a1 1 0 0 1 1.4 0L10 10.6l3.3-3.3a1 1 0 1 1 1.4 1.4l-4 4a1 1 0 0 1-1.4 0l-4-4a1 1 0 0 1 0-1.4Z" />
          </svg>
          <span>Edit</span>
        </button>
      </div>
      <div id={formId} hidden={!open} className="mt-4">
        <EditUserForm user={user} updateUser={updateUser} />
      </div>
    </li>
  );
}
