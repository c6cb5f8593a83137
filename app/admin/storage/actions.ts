'use server';
// Admin → Storage: run the storage check now (as the weekly one does).

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { validatedAction } from '@/lib/actions/validated-action';
import { fsck } from '@/lib/backup/fsck';

export const checkStorageAction = validatedAction('admin', z.object({}), async () => {
  await fsck();
  revalidatePath('/admin/storage');
  return { ok: true };
});
