'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { formBoolean, validatedAction } from '@/lib/actions/validated-action';
import { addRuntimeVersion, setRuntimeStatus, updateRuntimeVersion } from '@/lib/runtimes/catalog';
import { newRuntimeSchema, runtimeFieldsSchema, runtimeNameInput, runtimeStatusInput } from '@/lib/runtimes/input';

const gpu = z.preprocess(formBoolean, z.boolean());

export const addRuntimeAction = validatedAction('admin', newRuntimeSchema.extend({ gpu }), async (data, admin) => {
  const runtime = addRuntimeVersion(admin, data);
  revalidatePath('/admin/runtimes');
  return { ok: true, message: `Added ${runtime.name}.`, at: Date.now() };
});

export const updateRuntimeAction = validatedAction(
  'admin',
  runtimeFieldsSchema.extend({ gpu, name: runtimeNameInput }),
  async ({ name, ...patch }, admin) => {
    updateRuntimeVersion(admin, name, patch);
    revalidatePath('/admin/runtimes');
    return { ok: true, message: `Saved ${name}.`, at: Date.now() };
  },
);

export const setRuntimeStatusAction = validatedAction(
  'admin',
  z.object({ name: runtimeNameInput, status: runtimeStatusInput }),
  async ({ name, status }, admin) => {
    setRuntimeStatus(admin, name, status);
    revalidatePath('/admin/runtimes');
    const said = { default: 'is now the default', deprecated: 'is deprecated', available: 'is available' }[status];
    return { ok: true, message: `${name} ${said}.`, at: Date.now() };
  },
);
