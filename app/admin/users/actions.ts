'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { formBoolean, validatedAction } from '@/lib/actions/validated-action';
import { createUser, newUserSchema, rolesInput, updateUser } from '@/lib/users/users';
import { MIN_PASSWORD_LENGTH } from '@/lib/auth/password';

export const createUserAction = validatedAction(
  'admin',
  newUserSchema.extend({ isAdmin: z.preprocess(formBoolean, z.boolean()) }),
  async (data, admin) => {
    const user = await createUser(admin, data);
    revalidatePath('/admin/users');
    return { ok: true, message: `Created ${user.email}.`, at: Date.now() };
  },
);

const editSchema = z.object({
  id: z.string().min(1),
  name: z.string().trim().min(1, 'Enter a name.').max(200),
  roles: rolesInput,
  isAdmin: z.preprocess(formBoolean, z.boolean()),
  disabled: z.preprocess(formBoolean, z.boolean()),
  password: z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined))
    .pipe(z.string().min(MIN_PASSWORD_LENGTH, `Passwords have at least ${MIN_PASSWORD_LENGTH} characters.`).optional()),
});

export const updateUserAction = validatedAction('admin', editSchema, async ({ id, ...patch }, admin) => {
  const user = await updateUser(admin, id, patch);
  revalidatePath('/admin/users');
  return { ok: true, message: `Saved ${user.email}.`, at: Date.now() };
});
