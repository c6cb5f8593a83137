'use server';
// The root layout's action: Sign out, in the header's account menu on every page.

import { z } from 'zod';
import { validatedAction } from '@/lib/actions/validated-action';
import { signOutOfPortal } from '@/lib/auth/sso-actions';

/** Anyone may post it: signing out without a session only lands on /login. */
export const signOutAction = validatedAction('anyone', z.object({}), async () => {
  await signOutOfPortal();
  return { ok: true };
});
