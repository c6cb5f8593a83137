'use server';

import { z } from 'zod';
import { validatedAction } from '@/lib/actions/validated-action';
import { signOut } from '@/lib/auth/next-auth';
import { signOutEverywhere } from '@/lib/auth/revocation';

/** Ends every session of the viewer (this one too) and revokes their API tokens, then shows the sign-in page. */
export const signOutEverywhereAction = validatedAction('viewer', z.object({}), async (_data, viewer) => {
  signOutEverywhere(viewer);
  await signOut({ redirectTo: '/login' });
  return { ok: true };
});
