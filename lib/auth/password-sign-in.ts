// Signing in with an e-mail address and password from the login form, through Auth.js's credentials provider,
// telling its refusals apart: a wrong password, too many attempts, or the database locked by another process.
import 'server-only';
import { AuthError } from 'next-auth';
import { headers } from 'next/headers';
import { isDatabaseBusy } from '@/db/errors';
import { retryWhileBusy } from '@/db/retry';
import { normalizeEmail } from '@/lib/users/users';
import { clientAddressOf } from './credentials';
import { signIn } from './next-auth';
import { safeReturnPath } from './return-path';
import { describeWait, retryAfterMs, throttleKeys } from './throttle';

export const SIGN_IN_BUSY = 'The portal is busy right now and could not check your password. Try again in a moment.';
export const SIGN_IN_WRONG = 'Wrong e-mail or password.';

/** Auth.js wraps what the provider threw (CallbackRouteError, `cause.err`): the busy error inside it, if that is what it was. */
function busyCause(error: unknown): unknown {
  const inner = error instanceof AuthError ? (error.cause as { err?: unknown } | undefined)?.err : undefined;
  return isDatabaseBusy(inner) ? inner : null;
}

/**
 * Signs in and goes to `next` (Next's redirect is thrown), or answers why not. While the database is locked
 * the attempt is made again (its throttle write is one transaction, so a refused attempt left nothing), up to
 * DB_BUSY_RETRY_MS; past that the person is told the portal is busy, not that the password is wrong.
 */
export async function signInWithPassword(input: { email: string; password: string; next: string }): Promise<string> {
  const { email, password } = input;
  if (!email || !password) return 'Enter your e-mail address and password.';
  try {
    await retryWhileBusy(async () => {
      try {
        await signIn('credentials', { email, password, redirectTo: safeReturnPath(input.next) });
      } catch (error) {
        throw busyCause(error) ?? error;
      }
    });
  } catch (error) {
    if (isDatabaseBusy(error)) return SIGN_IN_BUSY;
    if (error instanceof AuthError) {
      const wait = retryAfterMs(throttleKeys(normalizeEmail(email), clientAddressOf(await headers())));
      return wait > 0 ? `Too many failed sign-in attempts. Try again in ${describeWait(wait)}.` : SIGN_IN_WRONG;
    }
    throw error; // the redirect after success
  }
  return SIGN_IN_WRONG; // signIn always redirects when it succeeds
}
