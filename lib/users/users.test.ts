import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { auditLog, users } from '@/db/schema';
import { insertUser, useTempDataDir, viewerOf } from '@/lib/testing/db';
import { issueToken, userForToken } from '@/lib/auth/tokens';
import { createUser, searchUsers, updateUser } from './users';

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

describe('the users list', () => {
  it('pages, searches (e-mail, name, roles), filters by status and sorts; administrators only', () => {
    const tag = `s${Date.now().toString(36)}`;
    const t0 = Date.now() - 100_000;
    const make = (n: number, values: Parameters<typeof insertUser>[0] = {}) =>
      insertUser({ email: `${tag}-${n}@test`, name: `Person ${String.fromCharCode(105 - n)} ${tag}`, createdAt: new Date(t0 + n), ...values });
    make(1, { lastSeenAt: new Date(t0 + 50) });
    make(2, { roles: ['analyst'] });
    make(3, { isAdmin: true, lastSeenAt: new Date(t0 + 90) });
    make(4, { disabled: true });
    const admin = viewerOf(insertUser({ isAdmin: true }));
    const emails = (r: { users: { email: string }[] }) => r.users.map((u) => u.email.slice(tag.length + 1, tag.length + 2));
    const q = { search: tag, sort: 'email' as const, page: 1, pageSize: 3 };

    expect(() => searchUsers(viewerOf(insertUser()), q)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    const first = searchUsers(admin, q);
    expect(first).toMatchObject({ total: 4, page: 1, pageCount: 2 });
    expect(emails(first)).toEqual(['1', '2', '3']);
    expect(emails(searchUsers(admin, { ...q, page: 2 }))).toEqual(['4']);
    expect(searchUsers(admin, { ...q, page: 7 }).page).toBe(2);
    expect(first.users[0]).not.toHaveProperty('passwordHash');

    const all = { ...q, pageSize: 10 };
    expect(emails(searchUsers(admin, { ...all, sort: 'name' }))).toEqual(['4', '3', '2', '1']);
    expect(emails(searchUsers(admin, { ...all, sort: 'newest' }))).toEqual(['4', '3', '2', '1']);
    expect(emails(searchUsers(admin, { ...all, sort: 'last-seen' }))).toEqual(['3', '1', '2', '4']); // never seen last
    expect(emails(searchUsers(admin, { ...all, status: 'admin' }))).toEqual(['3']);
    expect(emails(searchUsers(admin, { ...all, status: 'disabled' }))).toEqual(['4']);
    expect(emails(searchUsers(admin, { ...all, status: 'active' }))).toEqual(['1', '2', '3']);
    expect(emails(searchUsers(admin, { ...all, search: 'ANALYST' })).length).toBeGreaterThanOrEqual(1);
    expect(emails(searchUsers(admin, { ...all, search: `person f ${tag}` }))).toEqual(['3']);
    expect(searchUsers(admin, { ...all, search: `${tag}_` }).total).toBe(0); // "_" is no wildcard
  });
});
