'use client';
// A form that is only a button (sign out, check storage now, continue with the identity provider), posting
// to a validated action: hidden fields ride along, and a refusal is shown beside the button.

import { useActionState, type ReactNode } from 'react';
import type { ActionState, FormAction } from '@/lib/actions/validated-action';

export function ActionButton({
  action,
  children,
  fields = {},
  className,
  formClassName,
}: {
  action: FormAction;
  children: ReactNode;
  fields?: Record<string, string>;
  className?: string;
  formClassName?: string;
}) {
  const [state, dispatch, pending] = useActionState<ActionState, FormData>(action, null);
  return (
    <form action={dispatch} className={formClassName}>
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button type="submit" className={className} disabled={pending}>
        {children}
      </button>
      {state?.message && (
        <p role={state.ok ? 'status' : 'alert'} className={`mt-1 text-sm ${state.ok ? 'text-green-800' : 'text-red-700'}`}>
          {state.message}
        </p>
      )}
    </form>
  );
}
