// A labelled form control with its error text linked through aria-describedby.
import type { InputHTMLAttributes, ReactNode } from 'react';

export function FieldError({ id, errors }: { id: string; errors?: string[] }) {
  return (
    <p id={id} className="mt-1 text-sm text-red-700" aria-live="polite">
      {errors?.join(' ')}
    </p>
  );
}

export function TextField({
  label,
  name,
  errors,
  hint,
  ...input
}: { label: string; name: string; errors?: string[]; hint?: string } & InputHTMLAttributes<HTMLInputElement>) {
  const id = input.id ?? `field-${name}`;
  const errorId = `${id}-error`;
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-gray-800">
        {label}
      </label>
      {hint && (
        <p id={hintId} className="text-xs text-gray-600">
          {hint}
        </p>
      )}
      <input
        id={id}
        name={name}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={[errorId, hintId].filter(Boolean).join(' ')}
        className="mt-1 block w-full rounded-md border border-gray-400 bg-white px-3 py-2 text-gray-900 shadow-sm focus:border-blue-700"
        {...input}
      />
      <FieldError id={errorId} errors={errors} />
    </div>
  );
}

export function FormMessage({ state }: { state: { ok: boolean; message?: string } | null }) {
  return (
    <div role="status" aria-live="polite" className="min-h-6 text-sm">
      {state?.message && <p className={state.ok ? 'text-green-800' : 'text-red-700'}>{state.message}</p>}
    </div>
  );
}

export const buttonClass =
  'inline-flex items-center justify-center rounded-md bg-blue-700 px-4 py-2 text-sm font-semibold text-white hover:bg-blue-800 disabled:opacity-60';
export const secondaryButtonClass =
  'inline-flex items-center justify-center rounded-md border border-gray-400 bg-white px-4 py-2 text-sm font-medium text-gray-900 hover:bg-gray-100';
export const dangerButtonClass =
  'inline-flex items-center justify-center rounded-md bg-red-700 px-4 py-2 text-sm font-semibold text-white hover:bg-red-800';

/** A form's submit button with the action's message beside it. */
export function SubmitRow({
  label,
  pending,
  state,
  className = '',
  secondary = false,
}: {
  label: ReactNode;
  pending: boolean;
  state: { ok: boolean; message?: string } | null;
  className?: string;
  secondary?: boolean;
}) {
  return (
    <div className={`flex flex-wrap items-center gap-4 ${className}`.trim()}>
      <button type="submit" className={secondary ? secondaryButtonClass : buttonClass} disabled={pending}>
        {label}
      </button>
      <FormMessage state={state} />
    </div>
  );
}
