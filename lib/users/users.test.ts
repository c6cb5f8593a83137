import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { auditLog, users } from '@/db/schema';
import { insertUser, useTempDataDir, viewerOf } from '@/lib/testing/db';
import { issueToken, userForToken } from '@/lib/auth/tokens';
import { createUser, updateUser } from './users';

useTempDataDir();

const auditOf = (id: string) => getDb().select().from(auditLog).where(eq(auditLog.targetId, id)).all();

describe('user store', () => {
  it('lets only administrators create and change users, and audits each change in the same write', async () => {
    const admin = viewerOf(insertUser({ isAdmin: true }));
    const plain = viewerOf(insertUser());
    const input = { email: 'new-user@example.test', name: 'New', password: 'long-password-1', roles: ['analyst'], isAdmin: false };
    await expect(createUser(plain, input)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(getDb().select().from(users).where(eq(users.email, input.email)).get()).toBeUndefined();

    const created = await createUser(admin, input);
    expect(auditOf(created.id)).toEqual([
      expect.objectContaining({ action: 'user.create', actorId: admin.id, details: expect.objectContaining({ email: input.email, roles: ['analyst'] }) }),
    ]);
    await expect(createUser(admin, input)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(auditOf(created.id)).toHaveLength(1); // the refused duplicate left no audit row

    await expect(updateUser(plain, created.id, { name: 'Renamed' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await updateUser(admin, created.id, { name: 'Renamed', password: 'another-password-2', roles: ['analyst'] });
    const update = auditOf(created.id).find((r) => r.action === 'user.update')!;
    expect(update.details).toEqual({
      email: input.email,
      changes: { name: { from: 'New', to: 'Renamed' }, password: 'changed' },
      sessionsRevoked: true,
    });
    expect(JSON.stringify(update.details)).not.toContain('another-password-2');
    // Nothing changed, nothing recorded.
    await updateUser(admin, created.id, { name: 'Renamed' });
    expect(auditOf(created.id).filter((r) => r.action === 'user.update')).toHaveLength(1);
  });

  it('refuses an administrator removing their own admin rights or disabling themselves', async () => {
    const admin = viewerOf(insertUser({ isAdmin: true }));
    await expect(updateUser(admin, admin.id, { isAdmin: false })).rejects.toMatchObject({ code: 'INVALID_INPUT', errors: [{ path: 'isAdmin' }] });
    await expect(updateUser(admin, admin.id, { disabled: true })).rejects.toMatchObject({ errors: [{ path: 'disabled' }] });
    expect(getDb().select().from(users).where(eq(users.id, admin.id)).get()).toMatchObject({ isAdmin: true, disabled: false });
    await expect(updateUser(admin, 'no-such-user', { name: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('session revocation by administrators', () => {
  const versionOf = (id: string) => getDb().select().from(users).where(eq(users.id, id)).get()!.sessionVersion;

  it('a new password or disabling ends every session and API token; other changes end none', async () => {
    const admin = viewerOf(insertUser({ isAdmin: true }));
    const user = insertUser();
    let token = issueToken(user.id, 'cli').token;

    await updateUser(admin, user.id, { name: 'Renamed', roles: ['x'] });
    expect(versionOf(user.id)).toBe(0);
    expect(userForToken(token)).not.toBeNull();

    await updateUser(admin, user.id, { password: 'reset-password-1' });
    expect(versionOf(user.id)).toBe(1);
    expect(userForToken(token)).toBeNull();

    token = issueToken(user.id, 'cli').token;
    await updateUser(admin, user.id, { disabled: true });
    expect(versionOf(user.id)).toBe(2);
    expect(userForToken(token)).toBeNull();
    // Re-enabling brings nothing back.
    await updateUser(admin, user.id, { disabled: false });
    expect(versionOf(user.id)).toBe(2);
  });
});
