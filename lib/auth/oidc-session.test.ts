// The role refresh of a provider-signed-in user is taken by one process at a time: with render workers, the
// primary and each worker may see the same due check at once, and only one of them may ask the provider.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { oidcGrants } from '@/db/schema';
import { insertUser, useTempDataDir } from '@/lib/testing/db';
import { claimRoleCheck, saveGrant } from './oidc-session';

useTempDataDir();

describe('claiming the due role check', () => {
  it('lets exactly one of several processes that saw the same check take it', () => {
    const user = insertUser();
    const seen = new Date(Date.now() - 3600_000);
    saveGrant(user.id, { refreshToken: 'r1' }, seen);
    const now = new Date();
    // Two processes read the same checked_at; the first to claim it asks the provider, the second does not.
    expect(claimRoleCheck(user.id, seen, now)).toBe(true);
    expect(claimRoleCheck(user.id, seen, new Date(now.getTime() + 1))).toBe(false);
    expect(getDb().select().from(oidcGrants).where(eq(oidcGrants.userId, user.id)).get()?.checkedAt.getTime()).toBe(now.getTime());
    // Once the check is done and due again, the next one is taken from the value it left.
    expect(claimRoleCheck(user.id, now)).toBe(true);
  });

  it('takes nothing for a user without a grant', () => {
    expect(claimRoleCheck(insertUser().id, new Date(0))).toBe(false);
  });
});
