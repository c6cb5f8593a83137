'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { formBoolean, validatedAction } from '@/lib/actions/validated-action';
import { createTag, deleteTag, tagInputSchema, tagPatchSchema, updateTag } from '@/lib/tags/tags';

const isCategory = z.preprocess(formBoolean, z.boolean());

function revalidateTags() {
  revalidatePath('/admin/tags');
  revalidatePath('/', 'layout');
}

export const createTagAction = validatedAction('admin', tagInputSchema.extend({ isCategory }), async (data, admin) => {
  const tag = createTag(admin, data);
  revalidateTags();
  return { ok: true, message: `Created ${tag.name}.`, at: Date.now() };
});

export const updateTagAction = validatedAction(
  'admin',
  tagPatchSchema.extend({ id: z.string().min(1), isCategory }),
  async ({ id, ...patch }, admin) => {
    const tag = updateTag(admin, id, patch);
    revalidateTags();
    return { ok: true, message: `Saved ${tag.name}.`, at: Date.now() };
  },
);

export const deleteTagAction = validatedAction('admin', z.object({ id: z.string().min(1) }), async ({ id }, admin) => {
  const deleted = deleteTag(admin, id);
  revalidateTags();
  const from = deleted.removedFromApps === 1 ? '1 app' : `${deleted.removedFromApps} apps`;
  return { ok: true, message: `Deleted ${deleted.name} (removed from ${from}).`, at: Date.now() };
});
