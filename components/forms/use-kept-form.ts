'use client';
// Submits a form to its action without React's automatic form reset, so a refused form keeps what was typed
// (passwords excepted) and focus moves to the first field in error; a successful create form is cleared by
// its caller (remount with `key={resetKey}`).

import { startTransition, useActionState, useEffect, useRef, type FormEvent } from 'react';
import type { ActionState, FieldErrors } from '@/lib/actions/validated-action';

export function useKeptForm<T = undefined>(action: (s: ActionState<T>, f: FormData) => Promise<ActionState<T>>) {
  const [state, dispatch, pending] = useActionState<ActionState<T>, FormData>(action, null);
  const formRef = useRef<HTMLFormElement>(null);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => dispatch(data));
  };
  useEffect(() => {
    const form = formRef.current;
    if (!form || !state || state.ok) return;
    // A password is typed again rather than kept in the page after a refusal.
    for (const input of form.querySelectorAll<HTMLInputElement>('input[type="password"]')) input.value = '';
    form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [state]);
  const errors: FieldErrors = state && !state.ok ? state.fieldErrors : {};
  const resetKey = state?.ok ? String(state.at ?? 'done') : 'form';
  return { state, onSubmit, pending, errors, formRef, resetKey };
}
