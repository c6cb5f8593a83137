// Server actions are public POST endpoints: calling one directly must still check who is asking.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db';
import { users } from '@/db/schema';
import type { Viewer } from '@/lib/auth/policy';
import { insertUser, refusedWithoutChange, useTempDataDir } from '@/lib/testing/db';

let currentViewer: Viewer | null = null;
vi.mock('@/lib/auth/viewer', () => ({ getViewer: async () => currentViewer }));
vi.mock('next/cache', () => ({ revalidatePath: () => {} }));

const { createUserAction, updateUserAction } = await import('./actions');

useTempDataDir();

const form = (fields: Record<string, string>) => {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  return fd;
};

describe('admin user actions called directly', () => {
  beforeEach(() => {
    currentViewer = null;
  });

  it('refuses a signed-in non-admin creating an admin account', async () => {
    const me = insertUser();
    currentViewer = { id: me.id, email: me.email, name: me.name, isAdmin: false, roles: [], fullAccess: true };
    const state = await refusedWithoutChange(() =>
      createUserAction(null, form({ email: 'sneaky@x.test', name: 'Sneaky', password: 'long-enough-1', isAdmin: 'on' })),
    );
    expect(state).toMatchObject({ ok: false, message: 'Only administrators may do this.' });
    expect(getDb().select().from(users).all().some((u) => u.email === 'sneaky@x.test')).toBe(false);
  });

  it('refuses a non-admin making themselves admin, even naming their own id', async () => {
    const me = insertUser();
    currentViewer = { id: me.id, email: me.email, name: me.name, isAdmin: false, roles: [], fullAccess: true };
    const state = await refusedWithoutChange(() => updateUserAction(null, form({ id: me.id, name: 'Me', roles: '', isAdmin: 'on' })));
    expect(state?.ok).toBe(false);
    expect(getDb().query.users.findFirst({ where: (u, { eq }) => eq(u.id, me.id) }).sync()?.isAdmin).toBe(false);
  });

  it('refuses an anonymous caller', async () => {
    const state = await refusedWithoutChange(() => createUserAction(null, form({ email: 'anon@x.test', name: 'A', password: 'long-enough-1' })));
    expect(state).toMatchObject({ ok: false });
    expect(getDb().select().from(users).all().some((u) => u.email === 'anon@x.test')).toBe(false);
    const existing = insertUser({ name: 'Unchanged' });
    const update = await refusedWithoutChange(() => updateUserAction(null, form({ id: existing.id, name: 'Changed', roles: 'x', isAdmin: 'on' })));
    expect(update).toMatchObject({ ok: false });
  });

  it('lets an admin create a user with roles', async () => {
    const admin = insertUser({ isAdmin: true });
    currentViewer = { id: admin.id, email: admin.email, name: admin.name, isAdmin: true, roles: [], fullAccess: true };
    const state = await createUserAction(
      null,
      form({ email: 'New@X.test', name: 'New', password: 'long-enough-1', roles: 'a, b' }),
    );
    expect(state).toMatchObject({ ok: true });
    const created = getDb().query.users.findFirst({ where: (u, { eq }) => eq(u.email, 'new@x.test') }).sync();
    expect(created?.roles).toEqual(['a', 'b']);
    expect(created?.passwordHash).toMatch(/^\$2[aby]\$/);
  });
});
