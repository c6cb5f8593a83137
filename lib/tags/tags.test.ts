import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { appTags, auditLog } from '@/db/schema';
import type { Viewer } from '@/lib/auth/policy';
import { insertAppRow, insertUser, refusedWithoutChange, useTempDataDir } from '@/lib/testing/db';
import { createTag, deleteTag, findTag, tagInputSchema, tagPatchSchema, updateTag } from './tags';

useTempDataDir();

const admin = (): Viewer => {
  const u = insertUser({ isAdmin: true });
  return { id: u.id, email: u.email, name: u.name, isAdmin: true, roles: [], fullAccess: true };
};
const input = (over: Record<string, unknown> = {}) => tagInputSchema.parse({ name: `t-${randomUUID().slice(0, 8)}`, title: 'T', ...over });

describe('tag administration', () => {
  it('validates names and #rrggbb colours', () => {
    expect(tagInputSchema.safeParse({ name: 'DATA_SCIENCE', title: 'Data science', color: '#AABBCC' }).data?.color).toBe('#aabbcc');
    expect(tagInputSchema.safeParse({ name: 'has space', title: 'x' }).success).toBe(false);
    for (const color of ['red', '#abc', '#12345g', 'aabbcc']) {
      const r = tagInputSchema.safeParse({ name: 'ok', title: 'x', color });
      expect(r.success).toBe(false);
      expect(r.error?.issues[0].message).toMatch(/#rrggbb/);
    }
    expect(tagPatchSchema.safeParse({ colour: '#000000' }).success).toBe(false);
  });

  it('creates, renames and re-colours a tag, auditing each change', () => {
    const a = admin();
    const tag = createTag(a, input({ visitorRoles: 'finance, hr' }));
    expect(tag).toMatchObject({ kind: 'authorization', visitorRoles: ['finance', 'hr'] });
    const updated = updateTag(a, tag.name, tagPatchSchema.parse({ color: '#FFEB3B', isCategory: true }));
    expect(updated).toMatchObject({ color: '#ffeb3b', kind: 'category' });
    const rows = getDb().select().from(auditLog).where(eq(auditLog.targetId, tag.id)).all();
    expect(rows.map((r) => r.action)).toEqual(['tag.create', 'tag.update']);
    expect(rows[1].details).toMatchObject({ changes: { color: { from: '#4b5563', to: '#ffeb3b' }, isCategory: { from: false, to: true } } });
  });

  it('refuses a duplicate name with a field error', () => {
    const a = admin();
    const first = createTag(a, input());
    expect(() => createTag(a, input({ name: first.name }))).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    const second = createTag(a, input());
    expect(() => updateTag(a, second.id, { name: first.name })).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    expect(findTag(second.id)?.name).toBe(second.name);
  });

  it('refuses non-admins, changing nothing', async () => {
    const existing = createTag(admin(), input());
    const u = insertUser();
    const viewer: Viewer = { id: u.id, email: u.email, name: u.name, isAdmin: false, roles: [], fullAccess: true };
    const refusal = (call: () => unknown) => {
      try {
        call();
      } catch (error) {
        return error;
      }
      return 'accepted';
    };
    for (const call of [
      () => createTag(viewer, input()),
      () => updateTag(viewer, existing.id, { title: 'Taken over', visitorRoles: [] }),
      () => deleteTag(viewer, existing.id),
    ]) {
      expect(await refusedWithoutChange(() => refusal(call))).toMatchObject({ code: 'FORBIDDEN' });
    }
    expect(findTag(existing.id)).toMatchObject({ title: existing.title });
  });

  it('deleting a tag removes it from apps', () => {
    const a = admin();
    const tag = createTag(a, input());
    const appId = randomUUID();
    insertAppRow({ id: appId, name: `n-${appId}`, ownerId: a.id, title: 'x' }, [tag.id]);
    expect(deleteTag(a, tag.id)).toMatchObject({ removedFromApps: 1 });
    expect(findTag(tag.id)).toBeNull();
    expect(getDb().select().from(appTags).where(eq(appTags.appId, appId)).all()).toEqual([]);
    expect(() => deleteTag(a, tag.id)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});
