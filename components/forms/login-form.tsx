'use client';

import { useActionState } from 'react';
import type { ActionState, FormAction } from '@/lib/actions/validated-action';
import { buttonClass } from '@/components/ui/field';

/** A refused sign-in sends back its message and the e-mail address to keep in the field. */
export function LoginForm({ next, login }: { next: string; login: FormAction<{ email: string }> }) {
  const [state, action, pending] = useActionState<ActionState<{ email: string }>, FormData>(login, null);
  const refusal = state && !state.ok ? state : null;
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="next" value={next} />
      <div>
        <label htmlFor="email" className="block text-sm font-medium">
          Email
        </label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          required
          defaultValue={refusal?.data?.email}
          aria-describedby="login-error"
          className="mt-1 block w-full rounded-md border border-gray-400 px-3 py-2"
        />
      </div>
      <div>
        <label htmlFor="password" className="block text-sm font-medium">
          Password
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          aria-describedby="login-error"
          className="mt-1 block w-full rounded-md border border-gray-400 px-3 py-2"
        />
      </div>
      <div id="login-error" role="alert" className="min-h-6 text-sm text-red-700">
        {refusal?.message}
      </div>
      <button type="submit" className={`${buttonClass} w-full`} disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
