'use client';
// Forms of the admin users page: create a user, and edit one (roles, admin, disabled, password).

import type { FormAction } from '@/lib/actions/validated-action';
import { useKeptForm } from '@/components/forms/use-kept-form';
import { SubmitRow, TextField } from '@/components/ui/field';

export function CreateUserForm({ createUser }: { createUser: FormAction }) {
  const { state, onSubmit, pending, errors, formRef, resetKey } = useKeptForm(createUser);
  return (
    <form ref={formRef} onSubmit={onSubmit} className="grid gap-3 sm:grid-cols-2" key={resetKey} aria-label="New user">
      <TextField label="Email" name="email" type="email" required errors={errors.email} id="new-email" />
      <TextField label="Name" name="name" required errors={errors.name} id="new-name" />
      <TextField
        label="Initial password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        errors={errors.password}
        id="new-password"
      />
      <TextField label="Roles" name="roles" hint="Separated by commas or spaces" errors={errors.roles} id="new-roles" />
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="isAdmin" /> Administrator
      </label>
      <SubmitRow label="Create user" pending={pending} state={state} className="sm:col-span-2" />
    </form>
  );
}

export interface EditableUser {
  id: string;
  email: string;
  name: string;
  roles: string[];
  isAdmin: boolean;
  disabled: boolean;
}

export function EditUserForm({ user, updateUser }: { user: EditableUser; updateUser: FormAction }) {
  const { state, onSubmit, pending, errors, formRef } = useKeptForm(updateUser);
  const p = `user-${user.id}`;
  return (
    <form ref={formRef} onSubmit={onSubmit} className="grid gap-3 sm:grid-cols-2" aria-label={`Edit ${user.email}`}>
      <input type="hidden" name="id" value={user.id} />
      <TextField label="Name" name="name" defaultValue={user.name} required errors={errors.name} id={`${p}-name`} />
      <TextField
        label="Roles"
        name="roles"
        defaultValue={user.roles.join(', ')}
        hint="Separated by commas or spaces"
        errors={errors.roles}
        id={`${p}-roles`}
      />
      <TextField
        label="New password"
        name="password"
        type="password"
        autoComplete="new-password"
        hint="Leave empty to keep the current one"
        errors={errors.password}
        id={`${p}-password`}
      />
      <div className="flex flex-col justify-center gap-2 text-sm">
        <label className="flex items-center gap-2">
          <input type="checkbox" name="isAdmin" defaultChecked={user.isAdmin} /> Administrator
        </label>
        <label className="flex items-center gap-2">
          <input type="checkbox" name="disabled" defaultChecked={user.disabled} /> Disabled
        </label>
      </div>
      <SubmitRow label="Save" pending={pending} state={state} className="sm:col-span-2" />
    </form>
  );
}
