import { count, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { users } from '@/db/schema';
import { useTempDataDir } from '@/lib/testing/db';
import { ensureFirstAdmin } from './bootstrap';
import { verifyPassword } from './password';
import { issueToken, userForToken } from './tokens';
import { setEnv } from '@/lib/testing/env';

useTempDataDir();
afterEach(() => {
  setEnv({ ADMIN_EMAIL: undefined });
  setEnv({ ADMIN_PASSWORD: undefined });
});

describe('ensureFirstAdmin', () => {
  it('creates an admin with a random password on an empty database, printed once', async () => {
    const lines: string[] = [];
    await ensureFirstAdmin((l) => lines.push(l));
    const password = /password: (\S+)/.exec(lines.join('\n'))?.[1];
    expect(password).toBeTruthy();
    const admin = getDb().select().from(users).where(eq(users.email, 'admin@localhost')).get()!;
    expect(admin.isAdmin).toBe(true);
    expect(await verifyPassword(password!, admin.passwordHash)).toBe(true);
    // A second start prints nothing and creates nobody.
    const again: string[] = [];
    await ensureFirstAdmin((l) => again.push(l));
    expect(again).toEqual([]);
    expect(getDb().select({ n: count() }).from(users).get()!.n).toBe(1);
  });

  it('creates or resets the admin named by ADMIN_EMAIL / ADMIN_PASSWORD', async () => {
    setEnv({ ADMIN_EMAIL: 'Boss@Example.test' });
    setEnv({ ADMIN_PASSWORD: 'first-password-1' });
    await ensureFirstAdmin(() => {});
    const first = getDb().select().from(users).where(eq(users.email, 'boss@example.test')).get()!;
    const token = issueToken(first.id, 'cli').token;
    // A restart with the same password keeps the administrator's sessions and tokens …
    await ensureFirstAdmin(() => {});
    expect(getDb().select().from(users).where(eq(users.id, first.id)).get()!.sessionVersion).toBe(first.sessionVersion);
    expect(userForToken(token)).not.toBeNull();
    // … a new one ends them.
    setEnv({ ADMIN_PASSWORD: 'second-password-2' });
    await ensureFirstAdmin(() => {});
    expect(getDb().select().from(users).where(eq(users.id, first.id)).get()!.sessionVersion).toBe(first.sessionVersion + 1);
    expect(userForToken(token)).toBeNull();
    const boss = getDb().select().from(users).where(eq(users.email, 'boss@example.test')).get()!;
    expect(boss.isAdmin).toBe(true);
    expect(await verifyPassword('second-password-2', boss.passwordHash)).toBe(true);
    expect(await verifyPassword('first-password-1', boss.passwordHash)).toBe(false);
  });
});
