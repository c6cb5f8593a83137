// Checks an e-mail and password, with throttling per account and client address.
import 'server-only';
import type { User } from '@/db/schema';
import { findUserWithSecretsByEmail, normalizeEmail } from '@/lib/users/users';
import { verifyPassword } from './password';
import { describeWait, recordFailure, recordSuccess, retryAfterMs } from './throttle';

export type AuthenticateResult =
  | { ok: true; user: User }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfterMs: number; message: string };

export async function authenticate(email: string, password: string, clientAddress: string): Promise<AuthenticateResult> {
  const account = normalizeEmail(email);
  const keys = [
    { kind: 'account' as const, key: account },
    { kind: 'ip' as const, key: clientAddress || 'unknown' },
  ];
  const wait = retryAfterMs(keys);
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
    recordFailure(keys);
    return { ok: false, reason: 'invalid' };
  }
  recordSuccess(account);
  return { ok: true, user };
}

/** The client address as the proxy in front of us reports it, else unknown. */
export function clientAddressOf(headers: Headers): string {
  const forwarded = headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  return forwarded || headers.get('x-real-ip') || 'unknown';
}
