// The tag actions are public POST endpoints: called directly by someone who is not an administrator,
// each is refused and changes nothing (no tag, no audit row); an administrator's calls go through.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Viewer } from '@/lib/auth/policy';
import { findTag, listTags } from '@/lib/tags/tags';
import { insertUser, refusedWithoutChange, useTempDataDir, viewerOf } from '@/lib/testing/db';

let currentViewer: Viewer | null = null;
vi.mock('@/lib/auth/viewer', () => ({ getViewer: async () => currentViewer }));
vi.mock('next/cache', () => ({ revalidatePath: () => {} }));

const { createTagAction, deleteTagAction, updateTagAction } = await import('./actions');

useTempDataDir();

const form = (fields: Record<string, string>) => {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  return fd;
};

let seq = 0;
/** A tag made by an administrator through the action itself. */
async function adminTag(): Promise<string> {
  const name = `ACTION_TAG_${++seq}`;
  currentViewer = viewerOf(insertUser({ isAdmin: true }));
  expect(await createTagAction(null, form({ name, title: 'Finance', visitorRoles: 'finance' }))).toMatchObject({ ok: true });
  return findTag(name)!.id;
}

describe('tag actions called directly', () => {
  beforeEach(() => {
    currentViewer = null;
  });

  const callers: [string, () => Viewer | null][] = [
    ['an anonymous caller', () => null],
    ['a signed-in non-admin', () => viewerOf(insertUser({ isAdmin: false }))],
    ['a non-admin holding the tag\'s admin role', () => viewerOf(insertUser({ isAdmin: false, roles: ['tag-admins'] }))],
  ];

  for (const [who, viewer] of callers) {
    it(`refuses ${who} creating, updating or deleting a tag, changing nothing`, async () => {
      const id = await adminTag();
      currentViewer = viewer();
      const created = await refusedWithoutChange(() => createTagAction(null, form({ name: 'SNEAKY', title: 'Sneaky' })));
      expect(created).toMatchObject({ ok: false });
      const updated = await refusedWithoutChange(() =>
        updateTagAction(null, form({ id, title: 'Everyone', visitorRoles: '', adminRoles: 'tag-admins' })),
      );
      expect(updated).toMatchObject({ ok: false });
      const deleted = await refusedWithoutChange(() => deleteTagAction(null, form({ id })));
      expect(deleted).toMatchObject({ ok: false });
      expect(findTag(id)).toMatchObject({ title: 'Finance', visitorRoles: ['finance'] });
      expect(listTags().some((t) => t.name === 'SNEAKY')).toBe(false);
    });
  }

  it('lets an administrator update and delete a tag', async () => {
    const id = await adminTag();
    expect(await updateTagAction(null, form({ id, title: 'Finance team' }))).toMatchObject({ ok: true });
    expect(findTag(id)?.title).toBe('Finance team');
    expect(await deleteTagAction(null, form({ id }))).toMatchObject({ ok: true });
    expect(findTag(id)).toBeNull();
  });
});
