// The secret form actions called directly: they check who is asking, and no answer carries a value.
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Viewer } from '@/lib/auth/policy';
import { findSecretByName, listVisibleSecrets } from '@/lib/secrets/store';
import { insertUser, useTempDataDir, refusedWithoutChange } from '@/lib/testing/db';

let currentViewer: Viewer | null = null;
vi.mock('@/lib/auth/viewer', () => ({ getViewer: async () => currentViewer }));
vi.mock('next/cache', () => ({ revalidatePath: () => {} }));

const { createSecretAction, deleteSecretAction, removeSecretKeyAction, setSecretKeyAction } = await import('./actions');

useTempDataDir();

const VALUE = 'form-value-' + randomUUID();
const form = (fields: [string, string][]) => {
  const fd = new FormData();
  for (const [k, v] of fields) fd.append(k, v);
  return fd;
};
const as = (opts: { isAdmin?: boolean; fullAccess?: boolean } = {}): Viewer => {
  const u = insertUser({ isAdmin: !!opts.isAdmin });
  return { id: u.id, email: u.email, name: u.name, isAdmin: !!opts.isAdmin, roles: [], fullAccess: opts.fullAccess ?? true };
};

describe('secret actions', () => {
  beforeEach(() => {
    currentViewer = null;
  });

  it('creates a PRIVATE secret from key/value rows, reporting bad rows by field', async () => {
    const me = as();
    currentViewer = me;
    const bad = await refusedWithoutChange(() =>
      createSecretAction(
        null,
        form([['name', 'BAD'], ['key', 'ok'], ['value', VALUE], ['key', 'bad key'], ['value', VALUE], ['key', 'ok'], ['value', 'x'], ['key', 'k4'], ['value', '']]),
      ),
    );
    expect(bad).toMatchObject({ ok: false });
    expect(bad && !bad.ok && Object.keys(bad.fieldErrors).sort()).toEqual(['key-1', 'key-2', 'name', 'value-3']);
    expect(JSON.stringify(bad)).not.toContain(VALUE);

    const good = await createSecretAction(null, form([['name', 'mine'], ['key', 'password'], ['value', VALUE], ['key', ''], ['value', '']]));
    expect(good).toMatchObject({ ok: true, message: 'Saved secret mine with 1 key(s).' });
    expect(JSON.stringify(good)).not.toContain(VALUE);
    expect(findSecretByName(me, 'mine').visibility).toBe('PRIVATE');
  });

  it('lets only admins create ALL_USERS secrets, even when a form is forged', async () => {
    currentViewer = as();
    const state = await refusedWithoutChange(() => createSecretAction(null, form([['name', 'forged'], ['visibility', 'ALL_USERS'], ['key', 'k'], ['value', 'v']])));
    expect(state).toMatchObject({ ok: false, message: 'Only administrators create ALL_USERS and APP secrets.' });
    currentViewer = as({ fullAccess: false });
    expect(await refusedWithoutChange(() => createSecretAction(null, form([['name', 'v'], ['key', 'k'], ['value', 'v']])))).toMatchObject({
      ok: false,
      message: 'Your account has visitor access only.',
    });
    const admin = as({ isAdmin: true });
    currentViewer = admin;
    expect(await refusedWithoutChange(() => createSecretAction(null, form([['name', 'app-s'], ['visibility', 'APP'], ['key', 'k'], ['value', 'v']])))).toMatchObject({
      ok: false,
      fieldErrors: { appName: [expect.any(String)] },
    });
    expect(
      await createSecretAction(null, form([['name', 'app-s'], ['visibility', 'APP'], ['appName', 'my-app'], ['key', 'k'], ['value', 'v']])),
    ).toMatchObject({ ok: true });
    expect(listVisibleSecrets(admin).find((s) => s.name === 'app-s')?.appName).toBe('my-app');
  });

  it("refuses changing or deleting another user's secret by id", async () => {
    const owner = as();
    currentViewer = owner;
    await createSecretAction(null, form([['name', 'owned'], ['key', 'k'], ['value', VALUE]]));
    const id = findSecretByName(owner, 'owned').id;
    currentViewer = as();
    for (const state of [
      await refusedWithoutChange(() => setSecretKeyAction(null, form([['id', id], ['key', 'k'], ['value', 'stolen']]))),
      await refusedWithoutChange(() => removeSecretKeyAction(null, form([['id', id], ['key', 'k']]))),
      await refusedWithoutChange(() => deleteSecretAction(null, form([['id', id]]))),
    ]) {
      expect(state).toMatchObject({ ok: false, message: 'No such secret is visible to you.' });
    }
    currentViewer = owner;
    expect(await setSecretKeyAction(null, form([['id', id], ['key', 'k2'], ['value', VALUE]]))).toMatchObject({ ok: true });
    expect(findSecretByName(owner, 'owned')).toBeTruthy();
    expect(await deleteSecretAction(null, form([['id', id]]))).toMatchObject({ ok: true, message: 'Deleted secret owned.' });
  });
});
