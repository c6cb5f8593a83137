'use server';
// The secret actions, one module for the two pages that use them (/my-secrets and /admin/secrets), which
// hand them to the forms as props. Every action re-checks who may do what in lib/secrets/store.

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { fail, formList, validatedAction } from '@/lib/actions/validated-action';
import { rowsToValues } from '@/lib/secrets/form';
import { newSecretSchema, secretKeyInput, secretPatchSchema } from '@/lib/secrets/input';
import { createSecret, deleteSecret, findSecretById, updateSecret } from '@/lib/secrets/store';

function revalidate() {
  revalidatePath('/my-secrets');
  revalidatePath('/admin/secrets');
}

const list = z.preprocess(formList, z.array(z.string()));

export const createSecretAction = validatedAction(
  'fullAccess',
  z.object({
    name: z.string(),
    visibility: z.string().optional(),
    appName: z.string().optional(),
    key: list,
    value: list,
  }),
  async (form, viewer) => {
    const rows = rowsToValues(form.key, form.value);
    const parsed = newSecretSchema.safeParse({
      name: form.name,
      visibility: form.visibility || 'PRIVATE',
      appName: form.visibility === 'APP' ? form.appName || undefined : undefined,
      values: rows.values,
    });
    const fieldErrors = { ...rows.fieldErrors };
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? 'form');
        if (field === 'values') continue; // reported per row above
        (fieldErrors[field] ??= []).push(issue.message);
      }
    }
    if (!parsed.success || Object.keys(fieldErrors).length) return fail('Please correct the marked fields.', fieldErrors);
    const secret = createSecret(viewer, parsed.data);
    revalidate();
    return { ok: true, message: `Saved secret ${secret.name} with ${secret.keys.length} key(s).`, at: Date.now() };
  },
);

/** Adds a key or replaces the value of one. */
export const setSecretKeyAction = validatedAction(
  'fullAccess',
  z.object({ id: z.string().min(1), key: secretKeyInput, value: z.string().min(1, 'Enter the new value.') }),
  async ({ id, key, value }, viewer) => {
    const patch = secretPatchSchema.safeParse({ set: { [key]: value } });
    if (!patch.success) return fail('Please correct the marked fields.', { value: patch.error.issues.map((i) => i.message) });
    const secret = updateSecret(viewer, findSecretById(viewer, id), patch.data);
    revalidate();
    return { ok: true, message: `Saved key ${key} of ${secret.name}.`, at: Date.now() };
  },
);

export const removeSecretKeyAction = validatedAction(
  'fullAccess',
  z.object({ id: z.string().min(1), key: secretKeyInput }),
  async ({ id, key }, viewer) => {
    const secret = updateSecret(viewer, findSecretById(viewer, id), { set: {}, remove: [key] });
    revalidate();
    return { ok: true, message: `Removed key ${key} from ${secret.name}.`, at: Date.now() };
  },
);

export const deleteSecretAction = validatedAction('fullAccess', z.object({ id: z.string().min(1) }), async ({ id }, viewer) => {
  const secret = findSecretById(viewer, id);
  deleteSecret(viewer, secret);
  revalidate();
  return { ok: true, message: `Deleted secret ${secret.name}.`, at: Date.now() };
});
