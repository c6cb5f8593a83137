'use client';
// Create a personal API token (shown once) and revoke one.

import { useActionState } from 'react';
import type { ActionState, FormAction } from '@/lib/actions/validated-action';
import { buttonClass, dangerButtonClass, FormMessage, TextField } from '@/components/ui/field';

export function CreateTokenForm({ createToken }: { createToken: FormAction<string> }) {
  const [state, action, pending] = useActionState<ActionState<string>, FormData>(createToken, null);
  const errors = state && !state.ok ? state.fieldErrors : {};
  return (
    <form action={action} className="space-y-3">
      <TextField label="Token name" name="name" required errors={errors.name} />
      <button type="submit" className={buttonClass} disabled={pending}>
        Create token
      </button>
      <FormMessage state={state} />
      {state?.ok && state.data && (
        <p>
          <label htmlFor="new-token" className="block text-sm font-medium">
            New token
          </label>
          <input id="new-token" readOnly value={state.data} className="mt-1 w-full rounded border border-gray-400 bg-gray-50 px-2 py-1 font-mono text-sm" />
        </p>
      )}
    </form>
  );
}

export function RevokeTokenForm({ id, name, revokeToken }: { id: string; name: string; revokeToken: FormAction }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(revokeToken, null);
  return (
    <form action={action} className="flex items-center gap-2">
      <input type="hidden" name="id" value={id} />
      <button type="submit" className={dangerButtonClass} disabled={pending} aria-label={`Revoke ${name}`}>
        Revoke
      </button>
      {state && !state.ok && <span className="text-sm text-red-700">{state.message}</span>}
    </form>
  );
}
