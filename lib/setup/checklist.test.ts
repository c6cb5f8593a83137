import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { tags } from '@/db/schema';
import { insertUser, useTempDataDir, viewerOf } from '@/lib/testing/db';
import { setEnv } from '@/lib/testing/env';
import { setupChecklist } from './checklist';

useTempDataDir();

describe('setupChecklist', () => {
  it('is for administrators only, and counts categories, other active users and FULL_ACCESS_ROLE', () => {
    const admin = viewerOf(insertUser({ isAdmin: true }), { isAdmin: true });
    expect(setupChecklist(viewerOf(insertUser()))).toBeNull();
    expect(setupChecklist(null)).toBeNull();
    const before = setupChecklist(admin)!;
    expect(before.fullAccessRole).toBeNull();
    getDb().insert(tags).values({ id: 'c1', name: 'science', title: 'Science', isCategory: true }).run();
    getDb().insert(tags).values({ id: 'b1', name: 'new', title: 'New' }).run();
    insertUser({ disabled: true });
    insertUser();
    const after = setupChecklist(admin)!;
    expect(after.categories).toBe(before.categories + 1);
    expect(after.otherUsers).toBe(before.otherUsers + 1);
    setEnv({ FULL_ACCESS_ROLE: 'staff' });
    try {
      expect(setupChecklist(admin)!.fullAccessRole).toBe('staff');
    } finally {
      setEnv({ FULL_ACCESS_ROLE: undefined });
    }
  });
});
