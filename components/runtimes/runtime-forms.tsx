'use client';
// Forms of /admin/runtimes: add a runtime version, edit one, and move it between available, default and deprecated.

import { useActionState } from 'react';
import type { ActionState, FormAction } from '@/lib/actions/validated-action';
import { useKeptForm } from '@/components/forms/use-kept-form';
import type { RuntimeStatus } from '@/db/schema';
import { FormMessage, secondaryButtonClass, SubmitRow, TextField } from '@/components/ui/field';

export interface RuntimeRow {
  name: string;
  pythonVersion: string;
  gpu: boolean;
  status: RuntimeStatus;
  note: string;
}

export function AddRuntimeForm({ addRuntime }: { addRuntime: FormAction }) {
  const { state, onSubmit, pending, errors, formRef, resetKey } = useKeptForm(addRuntime);
  return (
    <form ref={formRef} onSubmit={onSubmit} className="grid gap-3 sm:grid-cols-2" aria-label="New runtime version" key={resetKey}>
      <TextField label="Name" name="name" id="runtime-name" required placeholder="deb12_py311_wlatest" errors={errors.name} />
      <TextField label="Python version" name="pythonVersion" id="runtime-python" required placeholder="3.11" errors={errors.pythonVersion} />
      <TextField label="Note" name="note" id="runtime-note" errors={errors.note} />
      <label className="flex items-center gap-2 self-center text-sm">
        <input type="checkbox" name="gpu" /> GPU runtime
      </label>
      <SubmitRow label="Add runtime version" pending={pending} state={state} className="sm:col-span-2" />
    </form>
  );
}

export function EditRuntimeForm({ runtime, updateRuntime }: { runtime: RuntimeRow; updateRuntime: FormAction }) {
  const { state, onSubmit, pending, errors, formRef } = useKeptForm(updateRuntime);
  const p = `runtime-${runtime.name}`;
  return (
    <form ref={formRef} onSubmit={onSubmit} className="grid gap-3 sm:grid-cols-3" aria-label={`Edit ${runtime.name}`}>
      <input type="hidden" name="name" value={runtime.name} />
      <TextField label="Python version" name="pythonVersion" id={`${p}-python`} defaultValue={runtime.pythonVersion} required errors={errors.pythonVersion} />
      <TextField label="Note" name="note" id={`${p}-note`} defaultValue={runtime.note} errors={errors.note} />
      <label className="flex items-center gap-2 self-center text-sm">
        <input type="checkbox" name="gpu" defaultChecked={runtime.gpu} /> GPU runtime
      </label>
      <SubmitRow label="Save" pending={pending} state={state} className="sm:col-span-3" secondary />
    </form>
  );
}

const LABEL: Record<RuntimeStatus, string> = {
  default: 'Make default',
  available: 'Make available',
  deprecated: 'Deprecate',
};

export function RuntimeStatusButtons({ runtime, setStatus }: { runtime: RuntimeRow; setStatus: FormAction }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(setStatus, null);
  // The default changes only by picking another default, so there is always exactly one; a deprecated
  // runtime is made available before it can be the default.
  const targets: RuntimeStatus[] =
    runtime.status === 'default' ? [] : runtime.status === 'deprecated' ? ['available'] : ['default', 'deprecated'];
  return (
    <form action={action} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="name" value={runtime.name} />
      {targets.map((status) => (
        <button
          key={status}
          type="submit"
          name="status"
          value={status}
          className={secondaryButtonClass}
          disabled={pending}
          aria-label={`${LABEL[status]}: ${runtime.name}`}
        >
          {LABEL[status]}
        </button>
      ))}
      {runtime.status === 'default' && <span className="text-sm text-gray-700">Pick another default to change this one.</span>}
      {runtime.status === 'deprecated' && <span className="text-sm text-gray-700">Deprecated: make it available before it can be the default.</span>}
      <FormMessage state={state} />
    </form>
  );
}
