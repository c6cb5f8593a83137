import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { users } from '@/db/schema';
import { insertUser, useTempDataDir } from '@/lib/testing/db';
import { viewerFromUser, viewerFromUserId } from './viewer-store';
import { issueToken, userForToken } from './tokens';
import { setEnv } from '@/lib/testing/env';

useTempDataDir();

describe('viewerFromUserId', () => {
  it('re-reads roles and flags from the database on every call', () => {
    const user = insertUser({ roles: ['a'] });
    expect(viewerFromUserId(user.id)).toMatchObject({ roles: ['a'], isAdmin: false });
    getDb().update(users).set({ roles: ['b'], isAdmin: true }).where(eq(users.id, user.id)).run();
    expect(viewerFromUserId(user.id)).toMatchObject({ roles: ['b'], isAdmin: true });
  });

  it('answers null for a disabled or deleted user, so a live session stops working', () => {
    const user = insertUser();
    expect(viewerFromUserId(user.id)).not.toBeNull();
    getDb().update(users).set({ disabled: true }).where(eq(users.id, user.id)).run();
    expect(viewerFromUserId(user.id)).toBeNull();
    expect(viewerFromUserId('no-such-user')).toBeNull();
  });

  it('derives full access from FULL_ACCESS_ROLE', () => {
    const user = insertUser({ roles: ['analyst'] });
    setEnv({ FULL_ACCESS_ROLE: 'full' });
    try {
      expect(viewerFromUserId(user.id)?.fullAccess).toBe(false);
      getDb().update(users).set({ roles: ['analyst', 'full'] }).where(eq(users.id, user.id)).run();
      expect(viewerFromUserId(user.id)?.fullAccess).toBe(true);
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
