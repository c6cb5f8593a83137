// The form action wrapper: the access level (or `anyone`), the schema, and expected errors as form state.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { Viewer } from '@/lib/auth/policy';

let signedIn: Viewer | null = null;
vi.mock('@/lib/auth/viewer', () => ({ getViewer: async () => signedIn }));
const { validatedAction } = await import('./validated-action');
const { AppError } = await import('@/lib/errors');

const person = (over: Partial<Viewer> = {}): Viewer => ({ id: 'u1', email: 'u@x.test', name: 'U', isAdmin: false, roles: [], fullAccess: true, ...over });
const form = (values: Record<string, string>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(values)) data.append(k, v);
  return data;
};

beforeEach(() => {
  signedIn = null;
});

describe('validatedAction', () => {
  const schema = z.object({ name: z.string().min(1, 'Enter a name.') });

  it('lets `anyone` post without a session, handing the handler a null viewer', async () => {
    const action = validatedAction('anyone', schema, async ({ name }, viewer) => ({ ok: true, message: `${name}:${viewer?.id ?? 'nobody'}` }));
    expect(await action(null, form({ name: 'a' }))).toEqual({ ok: true, message: 'a:nobody' });
    signedIn = person();
    expect(await action(null, form({ name: 'a' }))).toEqual({ ok: true, message: 'a:u1' });
  });

  it('refuses callers below the level before reading the form, and reports every field error', async () => {
    const handler = vi.fn(async () => ({ ok: true as const }));
    const action = validatedAction('admin', schema, handler);
    expect(await action(null, form({ name: 'a' }))).toMatchObject({ ok: false });
    signedIn = person();
    expect(await action(null, form({ name: 'a' }))).toMatchObject({ ok: false, message: 'Only administrators may do this.' });
    expect(handler).not.toHaveBeenCalled();
    signedIn = person({ isAdmin: true });
    expect(await action(null, form({ name: '' }))).toMatchObject({ ok: false, fieldErrors: { name: ['Enter a name.'] } });
  });

  it('turns an expected error into the form state', async () => {
    signedIn = person();
    const action = validatedAction('viewer', schema, async () => {
      throw new AppError('CONFLICT', 'Taken.', [{ path: 'name', message: 'That name is taken.' }]);
    });
    expect(await action(null, form({ name: 'a' }))).toMatchObject({ ok: false, message: 'Taken.', fieldErrors: { name: ['That name is taken.'] } });
  });
});
