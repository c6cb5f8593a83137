import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { users } from '@/db/schema';
import { insertUser, useTempDataDir } from '@/lib/testing/db';
import { viewerFromSession, viewerFromUser } from './viewer-store';
import { endSessionsFrom, signOutEverywhere } from './revocation';
import { issueToken, userForToken } from './tokens';
import { setEnv } from '@/lib/testing/env';

useTempDataDir();

const current = (userId: string) => ({ userId, version: getDb().select().from(users).where(eq(users.id, userId)).get()!.sessionVersion });

describe('viewerFromSession', () => {
  it('re-reads roles and flags from the database on every call', () => {
    const user = insertUser({ roles: ['a'] });
    expect(viewerFromSession(current(user.id))).toMatchObject({ roles: ['a'], isAdmin: false });
    getDb().update(users).set({ roles: ['b'], isAdmin: true }).where(eq(users.id, user.id)).run();
    expect(viewerFromSession(current(user.id))).toMatchObject({ roles: ['b'], isAdmin: true });
  });

  it('answers null for a disabled or deleted user, so a live session stops working', () => {
    const user = insertUser();
    expect(viewerFromSession(current(user.id))).not.toBeNull();
    getDb().update(users).set({ disabled: true }).where(eq(users.id, user.id)).run();
    expect(viewerFromSession(current(user.id))).toBeNull();
    expect(viewerFromSession({ userId: 'no-such-user', version: 0 })).toBeNull();
  });

  it('derives full access from FULL_ACCESS_ROLE', () => {
    const user = insertUser({ roles: ['analyst'] });
    setEnv({ FULL_ACCESS_ROLE: 'full' });
    try {
      expect(viewerFromSession(current(user.id))?.fullAccess).toBe(false);
      getDb().update(users).set({ roles: ['analyst', 'full'] }).where(eq(users.id, user.id)).run();
      expect(viewerFromSession(current(user.id))?.fullAccess).toBe(true);
    } finally {
      setEnv({ FULL_ACCESS_ROLE: undefined });
    }
  });
});

describe('viewerFromUser (the token path)', () => {
  it('reads a token user like a session user: active users only, last seen kept', () => {
    const user = insertUser();
    const { token } = issueToken(user.id, 'cli');
    expect(getDb().select().from(users).where(eq(users.id, user.id)).get()?.lastSeenAt).toBeNull();
    expect(viewerFromUser(userForToken(token)!)).toMatchObject({ id: user.id });
    expect(getDb().select().from(users).where(eq(users.id, user.id)).get()?.lastSeenAt).toBeInstanceOf(Date);
    getDb().update(users).set({ disabled: true }).where(eq(users.id, user.id)).run();
    expect(viewerFromUser(userForToken(token)!)).toBeNull();
  });
});

describe('session revocation', () => {
  it('a session counts only at the version it was issued with', () => {
    const user = insertUser();
    expect(viewerFromSession({ userId: user.id, version: 0 })).toMatchObject({ id: user.id });
    expect(viewerFromSession({ userId: user.id, version: 1 })).toBeNull();
    expect(viewerFromSession(null)).toBeNull();
  });

  it('sign-out ends every session of the user, once: an ended session cannot end later ones', () => {
    const user = insertUser();
    const before = current(user.id);
    const { token } = issueToken(user.id, 'cli');
    endSessionsFrom(before);
    expect(viewerFromSession(before)).toBeNull();
    const after = current(user.id);
    expect(viewerFromSession(after)).toMatchObject({ id: user.id });
    endSessionsFrom(before);
    expect(viewerFromSession(after)).toMatchObject({ id: user.id });
    // API tokens are the CLI's: a browser sign-out leaves them.
    expect(userForToken(token)?.id).toBe(user.id);
  });

  it('"sign out everywhere" ends every session and revokes every API token, audited', () => {
    const user = insertUser();
    const before = current(user.id);
    const tokens = [issueToken(user.id, 'a').token, issueToken(user.id, 'b').token];
    const other = insertUser();
    const othersToken = issueToken(other.id, 'c').token;
    const viewer = viewerFromSession(before)!;
    expect(signOutEverywhere(viewer)).toEqual({ tokensRevoked: 2 });
    expect(viewerFromSession(before)).toBeNull();
    for (const token of tokens) expect(userForToken(token)).toBeNull();
    expect(userForToken(othersToken)?.id).toBe(other.id);
    expect(viewerFromSession(current(other.id))).not.toBeNull();
  });
});
