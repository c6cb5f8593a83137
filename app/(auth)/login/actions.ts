'use server';
// The sign-in page's actions: e-mail and password, or the identity provider's button.

import { z } from 'zod';
import { validatedAction } from '@/lib/actions/validated-action';
import { signInWithPassword } from '@/lib/auth/password-sign-in';
import { signInThroughProvider } from '@/lib/auth/sso-actions';

const passwordForm = z.object({ email: z.string().default(''), password: z.string().default(''), next: z.string().default('/') });

/** Signs in and goes to `next`; a refusal keeps the e-mail address in the form. */
export const loginAction = validatedAction<typeof passwordForm, { email: string }, 'anyone'>('anyone', passwordForm, async (input) => {
  const message = await signInWithPassword(input);
  return { ok: false, message, fieldErrors: {}, data: { email: input.email }, at: Date.now() };
});

/** Sends the browser to the identity provider, coming back to `next`. */
export const providerSignInAction = validatedAction('anyone', z.object({ next: z.string().default('/') }), async ({ next }) => {
  await signInThroughProvider(next);
  return { ok: true };
});
