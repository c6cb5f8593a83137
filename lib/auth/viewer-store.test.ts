import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { users } from '@/db/schema';
import { insertUser, useTempDataDir } from '@/lib/testing/db';
import { viewerFromUserId } from './viewer-store';
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
