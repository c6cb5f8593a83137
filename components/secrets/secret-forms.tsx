'use client';
// Forms that send secret values to the server. Values are typed here and never come back: after a save
// the form is cleared, and on an error the typed text stays only in this browser's fields.

import { useState } from 'react';
import type { FormAction } from '@/lib/actions/validated-action';
import { useKeptForm } from '@/components/forms/use-kept-form';

/** The secret actions a page hands to the forms of its list (lib/secrets/actions.ts). */
export interface SecretKeyActions {
  setKey: FormAction;
  removeKey: FormAction;
  deleteSecret: FormAction;
}
import { dangerButtonClass, FieldError, FormMessage, secondaryButtonClass, SubmitRow, TextField } from '@/components/ui/field';

const inputClass =
  'mt-1 block w-full rounded-md border border-gray-400 bg-white px-3 py-2 font-mono text-sm text-gray-900 shadow-sm focus:border-blue-700';

function ValueField({ id, name, label, errors }: { id: string; name: string; label: string; errors?: string[] }) {
  return (
    <div className="min-w-0 flex-1">
      <label htmlFor={id} className="block text-sm font-medium text-gray-800">
        {label}
      </label>
      <textarea
        id={id}
        name={name}
        rows={1}
        autoComplete="off"
        spellCheck={false}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={`${id}-error`}
        className={inputClass}
      />
      <FieldError id={`${id}-error`} errors={errors} />
    </div>
  );
}

/** `initial`: a name and keys to start from (an import refused for a missing secret links here with them). */
export function CreateSecretForm({ admin, create, initial }: { admin: boolean; create: FormAction; initial?: { name: string; keys: string[] } }) {
  const { state, onSubmit, pending, errors, formRef } = useKeptForm(create);
  const [rows, setRows] = useState(() => (initial?.keys.length ? initial.keys.map((_, i) => i) : [0]));
  // Only the first form shown starts filled in; after a save it starts over empty.
  const [prefill, setPrefill] = useState(initial);
  const [visibility, setVisibility] = useState('PRIVATE');
  const [clearedAt, setClearedAt] = useState<number | undefined>();
  if (state?.ok && state.at !== clearedAt) {
    // A saved secret: start over with one empty row (the typed values leave the page with the old fields).
    setClearedAt(state.at);
    setRows([Date.now()]);
    setPrefill(undefined);
  }
  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-3" aria-label="New secret" key={clearedAt ?? 'new'}>
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField
          label="Secret name"
          name="name"
          id="secret-name"
          required
          autoComplete="off"
          hint="Lowercase letters, digits, - and ., at most 63 characters"
          defaultValue={prefill?.name}
          errors={errors.name}
        />
        {admin && (
          <div>
            <label htmlFor="secret-visibility" className="block text-sm font-medium text-gray-800">
              Visibility
            </label>
            <select
              id="secret-visibility"
              name="visibility"
              value={visibility}
              onChange={(e) => setVisibility(e.target.value)}
              className="mt-1 block w-full rounded-md border border-gray-400 bg-white px-3 py-2 text-gray-900"
              aria-describedby="secret-visibility-error"
            >
              <option value="PRIVATE">PRIVATE — only my apps</option>
              <option value="ALL_USERS">ALL_USERS — any app</option>
              <option value="APP">APP — one app Name (installed by an administrator)</option>
            </select>
            <FieldError id="secret-visibility-error" errors={errors.visibility} />
          </div>
        )}
        {admin && visibility === 'APP' && (
          <TextField label="App Name" name="appName" id="secret-app-name" required errors={errors.appName} />
        )}
      </div>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-gray-800">Keys and values</legend>
        {rows.map((row, i) => (
          <div key={row} className="flex flex-col gap-2 sm:flex-row sm:items-start">
            <div className="sm:w-64">
              <TextField
                label={`Key ${i + 1}`}
                name="key"
                id={`secret-key-${i}`}
                autoComplete="off"
                defaultValue={prefill?.keys[i]}
                errors={errors[`key-${i}`]}
              />
            </div>
            <ValueField id={`secret-value-${i}`} name="value" label={`Value ${i + 1}`} errors={errors[`value-${i}`]} />
          </div>
        ))}
        <button type="button" className={secondaryButtonClass} onClick={() => setRows((r) => [...r, Date.now()])}>
          Add another key
        </button>
      </fieldset>
      <SubmitRow label="Save secret" pending={pending} state={state} />
      <FieldError id="secret-form-error" errors={errors.form} />
    </form>
  );
}

/** Replace the value of `key`, or (without `key`) add a new key. */
export function SetKeyForm({ secretId, secretName, keyName, setKey }: { secretId: string; secretName: string; keyName?: string; setKey: FormAction }) {
  const { state, onSubmit, pending, errors, formRef } = useKeptForm(setKey);
  const base = `set-${secretId}-${keyName ?? 'new'}`;
  return (
    <form
      ref={formRef}
      onSubmit={onSubmit}
      className="flex flex-col gap-2 sm:flex-row sm:items-end"
      aria-label={keyName ? `Replace value of ${keyName} in ${secretName}` : `Add a key to ${secretName}`}
      key={state?.ok ? state.at : 'form'}
    >
      <input type="hidden" name="id" value={secretId} />
      {keyName ? (
        <input type="hidden" name="key" value={keyName} />
      ) : (
        <div className="sm:w-56">
          <TextField label="New key" name="key" id={`${base}-key`} autoComplete="off" required errors={errors.key} />
        </div>
      )}
      <ValueField id={`${base}-value`} name="value" label={keyName ? `New value for ${keyName}` : 'Value'} errors={errors.value} />
      <div className="flex flex-col gap-1 pb-6">
        <button type="submit" className={secondaryButtonClass} disabled={pending}>
          {keyName ? 'Replace value' : 'Add key'}
        </button>
      </div>
      <FormMessage state={state} />
    </form>
  );
}

export function RemoveKeyButton({ secretId, secretName, keyName, removeKey }: { secretId: string; secretName: string; keyName: string; removeKey: FormAction }) {
  const { state, onSubmit, pending } = useKeptForm(removeKey);
  return (
    <form onSubmit={onSubmit} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="id" value={secretId} />
      <input type="hidden" name="key" value={keyName} />
      <button
        type="submit"
        className={secondaryButtonClass}
        disabled={pending}
        aria-label={`Remove key ${keyName} from ${secretName}`}
      >
        Remove key
      </button>
      <FormMessage state={state} />
    </form>
  );
}

export function DeleteSecretButton({ secretId, secretName, deleteSecret }: { secretId: string; secretName: string; deleteSecret: FormAction }) {
  const { state, onSubmit, pending } = useKeptForm(deleteSecret);
  return (
    <form
      onSubmit={(e) => {
        if (!window.confirm(`Delete secret ${secretName}? Apps naming it can no longer start.`)) {
          e.preventDefault();
          return;
        }
        onSubmit(e);
      }}
      className="flex flex-wrap items-center gap-2"
    >
      <input type="hidden" name="id" value={secretId} />
      <button type="submit" className={dangerButtonClass} disabled={pending} aria-label={`Delete secret ${secretName}`}>
        Delete secret
      </button>
      <FormMessage state={state} />
    </form>
  );
}
