'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { validatedAction } from '@/lib/actions/validated-action';
import { issueToken, revokeToken } from '@/lib/auth/tokens';
import { notFound } from '@/lib/errors';

export const createTokenAction = validatedAction(
  'viewer',
  z.object({ name: z.string().trim().min(1, 'Name the token, e.g. "laptop CLI".').max(100) }),
  async ({ name }, viewer) => {
    const { token } = issueToken(viewer.id, name);
    revalidatePath('/account/tokens');
    // Shown once, right after creation; only its hash is stored.
    return { ok: true, message: 'Token created. Copy it now: it will not be shown again.', data: token, at: Date.now() };
  },
);

export const revokeTokenAction = validatedAction('viewer', z.object({ id: z.string().min(1) }), async ({ id }, viewer) => {
  if (!revokeToken(viewer.id, id)) throw notFound('No such token.');
  revalidatePath('/account/tokens');
  return { ok: true, message: 'Token revoked.', at: Date.now() };
});
