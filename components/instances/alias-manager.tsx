'use client';
// The admin aliases page's controls: create an alias, and assign, promote, unassign or delete each one.
// They call /api/v1/aliases (same-origin session); the server checks that the caller is an administrator.
import { useId, useState } from 'react';
import { buttonClass, dangerButtonClass, secondaryButtonClass } from '@/components/ui/field';
import type { AliasJson } from '@/lib/instances/aliases';
import { useApiRequest } from './use-api-request';

const inputClass = 'mt-1 block w-full rounded-md border border-gray-400 bg-white px-3 py-2 text-gray-900';

export function NewAliasForm() {
  const { pending, message, run } = useApiRequest();
  const [name, setName] = useState('');
  const [instanceId, setInstanceId] = useState('');
  const [primary, setPrimary] = useState(true);
  const id = useId();
  return (
    <form
      aria-label="New alias"
      className="grid gap-3 rounded-lg border border-gray-200 bg-white p-4 sm:grid-cols-[1fr_2fr_auto_auto] sm:items-end"
      onSubmit={(e) => {
        e.preventDefault();
        run('POST', '/api/v1/aliases', { name: name.trim(), instanceId: instanceId.trim(), primary }, () => {
          setName('');
          setInstanceId('');
        });
      }}
    >
      <label className="text-sm font-medium" htmlFor={`${id}-name`}>
        Alias
        <input id={`${id}-name`} className={inputClass} value={name} onChange={(e) => setName(e.target.value)} required maxLength={63} />
      </label>
      <label className="text-sm font-medium" htmlFor={`${id}-instance`}>
        Instance id
        <input id={`${id}-instance`} className={inputClass} value={instanceId} onChange={(e) => setInstanceId(e.target.value)} required />
      </label>
      <label className="inline-flex items-center gap-2 py-2 text-sm">
        <input type="checkbox" checked={primary} onChange={(e) => setPrimary(e.target.checked)} />
        Primary
      </label>
      <button type="submit" className={buttonClass} disabled={pending}>
        Create alias
      </button>
      <p role="status" aria-live="polite" className="text-sm text-red-700 sm:col-span-4">
        {message}
      </p>
    </form>
  );
}

export function AliasControls({ alias }: { alias: AliasJson }) {
  const { pending, message, run } = useApiRequest();
  const [target, setTarget] = useState('');
  const id = useId();
  const url = `/api/v1/aliases/${encodeURIComponent(alias.name)}`;
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-end gap-2">
        <form
          className="flex flex-wrap items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            run('PATCH', url, { instanceId: target.trim() }, () => setTarget(''));
          }}
        >
          <label htmlFor={`${id}-assign`} className="text-sm">
            <span className="block font-medium">Assign to instance</span>
            <input id={`${id}-assign`} className={inputClass} value={target} onChange={(e) => setTarget(e.target.value)} required />
          </label>
          <button type="submit" className={secondaryButtonClass} disabled={pending}>
            Assign<span className="sr-only"> {alias.name}</span>
          </button>
        </form>
        {alias.instanceId && !alias.primary && (
          <button type="button" className={secondaryButtonClass} disabled={pending} onClick={() => run('PATCH', url, { primary: true })}>
            Make primary<span className="sr-only"> {alias.name}</span>
          </button>
        )}
        {alias.instanceId && (
          <button type="button" className={secondaryButtonClass} disabled={pending} onClick={() => run('PATCH', url, { instanceId: null })}>
            Unassign<span className="sr-only"> {alias.name}</span>
          </button>
        )}
        <button
          type="button"
          className={dangerButtonClass}
          disabled={pending}
          onClick={() => {
            if (window.confirm(`Delete the alias ${alias.name}?`)) run('DELETE', url);
          }}
        >
          Delete<span className="sr-only"> {alias.name}</span>
        </button>
      </div>
      <p role="status" aria-live="polite" className="text-sm text-red-700">
        {message}
      </p>
    </div>
  );
}
