'use client';
// The account page's "Sign out everywhere" button; on success the action leaves for the sign-in page.

import { useActionState } from 'react';
import type { ActionState, FormAction } from '@/lib/actions/validated-action';
import { dangerButtonClass, FormMessage } from '@/components/ui/field';

export function SignOutEverywhereForm({ signOutEverywhere }: { signOutEverywhere: FormAction }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(signOutEverywhere, null);
  return (
    <form action={action} className="space-y-2">
      <button type="submit" className={dangerButtonClass} disabled={pending}>
        Sign out everywhere
      </button>
      <FormMessage state={state} />
    </form>
  );
}
