'use server';

import { AuthError } from 'next-auth';
import { headers } from 'next/headers';
import { clientAddressOf } from '@/lib/auth/credentials';
import { signIn } from '@/lib/auth/next-auth';
import { safeReturnPath } from '@/lib/auth/return-path';
import { describeWait, retryAfterMs, throttleKeys } from '@/lib/auth/throttle';
import { normalizeEmail } from '@/lib/users/users';
import type { LoginState } from '@/components/forms/login-form';


export async function loginAction(_prev: LoginState, formData: FormData): Promise<LoginState> {
  const email = String(formData.get('email') ?? '');
  const password = String(formData.get('password') ?? '');
  const next = safeReturnPath(String(formData.get('next') ?? ''));
  if (!email || !password) return { error: 'Enter your e-mail address and password.', email };
  try {
    await signIn('credentials', { email, password, redirectTo: next });
  } catch (error) {
    if (error instanceof AuthError) {
      const wait = retryAfterMs(throttleKeys(normalizeEmail(email), clientAddressOf(await headers())));
      if (wait > 0) return { error: `Too many failed sign-in attempts. Try again in ${describeWait(wait)}.`, email };
      return { error: 'Wrong e-mail or password.', email };
    }
    throw error; // the redirect after success
  }
  return null;
}
