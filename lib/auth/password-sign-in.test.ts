// The login form's sign-in: a database locked by another process is told as "busy", never as a wrong password.
import { beforeEach, describe, expect, it, vi } from 'vitest';

process.env.DB_BUSY_RETRY_MS = '150';

const signIn = vi.fn();
vi.mock('./next-auth', () => ({ signIn: (...args: unknown[]) => signIn(...args) }));
vi.mock('next-auth', async () => ({ AuthError: (await import('@auth/core/errors')).AuthError }));
vi.mock('next/headers', () => ({ headers: async () => new Headers() }));
vi.mock('./throttle', () => ({ retryAfterMs: () => 0, throttleKeys: () => [], describeWait: () => '' }));
vi.mock('@/lib/users/users', () => ({ normalizeEmail: (e: string) => e.toLowerCase() }));
// The same module instance as the mock's AuthError (a static import would load another copy).
const { CallbackRouteError, CredentialsSignin } = await import('@auth/core/errors');
const { signInWithPassword, SIGN_IN_BUSY, SIGN_IN_WRONG } = await import('./password-sign-in');

// Auth.js builds its CallbackRouteError from the error the provider threw (its types name only a message).
const busy = () => Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }) as unknown as string;
const form = { email: 'a@x.test', password: 'secret', next: '/my-apps' };

beforeEach(() => {
  signIn.mockReset();
});

describe('signInWithPassword', () => {
  it('says the portal is busy when the database stays locked, after trying again', async () => {
    signIn.mockImplementation(async () => {
      throw new CallbackRouteError(busy());
    });
    expect(await signInWithPassword(form)).toBe(SIGN_IN_BUSY);
    expect(signIn.mock.calls.length).toBeGreaterThan(1);
  });

  it('signs in once the lock is released (the redirect goes through)', async () => {
    const redirect = new Error('NEXT_REDIRECT');
    signIn.mockRejectedValueOnce(new CallbackRouteError(busy())).mockRejectedValueOnce(redirect);
    await expect(signInWithPassword(form)).rejects.toBe(redirect);
    expect(signIn).toHaveBeenLastCalledWith('credentials', { email: 'a@x.test', password: 'secret', redirectTo: '/my-apps' });
  });

  it('still says a wrong password is wrong, and asks for both fields', async () => {
    signIn.mockRejectedValue(new CredentialsSignin());
    expect(await signInWithPassword(form)).toBe(SIGN_IN_WRONG);
    expect(signIn).toHaveBeenCalledTimes(1);
    expect(await signInWithPassword({ ...form, password: '' })).toBe('Enter your e-mail address and password.');
  });
});
