// The API-token actions are public POST endpoints: nobody revokes a token that is not theirs (the
// answer is the same as for a token that does not exist), an anonymous caller creates none, and a
// refused call changes nothing.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Viewer } from '@/lib/auth/policy';
import { issueToken, userForToken } from '@/lib/auth/tokens';
import { insertUser, refusedWithoutChange, useTempDataDir, viewerOf } from '@/lib/testing/db';

let currentViewer: Viewer | null = null;
vi.mock('@/lib/auth/viewer', () => ({ getViewer: async () => currentViewer }));
vi.mock('next/cache', () => ({ revalidatePath: () => {} }));

const { createTokenAction, revokeTokenAction } = await import('./actions');

useTempDataDir();

const form = (fields: Record<string, string>) => {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  return fd;
};

describe('API token actions called directly', () => {
  beforeEach(() => {
    currentViewer = null;
  });

  it("refuses revoking another user's token, as if it did not exist, changing nothing", async () => {
    const owner = insertUser();
    const { id, token } = issueToken(owner.id, 'laptop');
    for (const other of [viewerOf(insertUser()), viewerOf(insertUser({ isAdmin: true }))]) {
      currentViewer = other;
      const state = await refusedWithoutChange(() => revokeTokenAction(null, form({ id })));
      expect(state).toMatchObject({ ok: false, message: 'No such token.' });
    }
    expect(userForToken(token)?.id).toBe(owner.id);
    currentViewer = viewerOf(owner);
    expect(await revokeTokenAction(null, form({ id }))).toMatchObject({ ok: true });
    expect(userForToken(token)).toBeNull();
  });

  it('refuses an anonymous caller creating or revoking a token, changing nothing', async () => {
    const { id, token } = issueToken(insertUser().id, 'ci');
    expect(await refusedWithoutChange(() => createTokenAction(null, form({ name: 'anonymous' })))).toMatchObject({ ok: false });
    expect(await refusedWithoutChange(() => revokeTokenAction(null, form({ id })))).toMatchObject({ ok: false });
    expect(userForToken(token)).not.toBeNull();
  });

  it('creates a working token for a signed-in user', async () => {
    currentViewer = viewerOf(insertUser());
    const state = await createTokenAction(null, form({ name: 'laptop CLI' }));
    expect(state).toMatchObject({ ok: true });
    expect(userForToken(String((state as { data: string }).data))?.id).toBe(currentViewer.id);
  });
});
