// Checks an e-mail and password, throttled per (account, client address), per client address and per account;
// the failure that locks one of them is written to the audit log.
import 'server-only';
import type { User } from '@/db/schema';
import { findUserWithSecretsByEmail, normalizeEmail } from '@/lib/users/users';
import { verifyPassword } from './password';
import { describeWait, recordLockout, recordSuccess, startAttempt, throttleKeys } from './throttle';

export { clientAddressOf } from './client-address';

export type AuthenticateResult =
  | { ok: true; user: User }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfterMs: number; message: string };

export async function authenticate(email: string, password: string, clientAddress: string): Promise<AuthenticateResult> {
  const account = normalizeEmail(email);
  const address = clientAddress || 'unknown';
  const keys = throttleKeys(account, address);
  // Counted as a failure before the (slow) password check, so parallel guesses cannot overtake the limit.
  const { wait, locking } = startAttempt(keys);
  if (wait > 0) {
    return {
      ok: false,
      reason: 'throttled',
      retryAfterMs: wait,
      message: `Too many failed sign-in attempts. Try again in ${describeWait(wait)}.`,
    };
  }
  const user = findUserWithSecretsByEmail(account);
  const passwordOk = await verifyPassword(password, user?.passwordHash);
  if (!user || !passwordOk || user.disabled) {
    // The failure that reaches a limit locks the account (or address): audited once, here.
    recordLockout(account, address, locking);
    return { ok: false, reason: 'invalid' };
  }
  recordSuccess(keys);
  return { ok: true, user };
}
