import { describe, expect, it } from 'vitest';
import type { Viewer } from '@/lib/auth/policy';
import { insertAppRow, insertUser, useTempDataDir } from '@/lib/testing/db';
import { appJson } from './api-json';
import { readAppVersion } from './read';

useTempDataDir();

const settings = { publicMode: true, fullAccessRole: 'full' };
const as = (id: string, fullAccess: boolean): Viewer => ({ id, email: `${id}@test`, name: id, isAdmin: false, roles: [], fullAccess });

describe('appJson', () => {
  it('hides the tag names app.toml asked for from visitors, as it hides the tags', () => {
    const owner = insertUser({ roles: ['full'] });
    const id = insertAppRow({ ownerId: owner.id, visibility: 'PUBLIC', requestedTags: ['finance', 'internal-only'] });
    const ownerView = appJson(readAppVersion(as(owner.id, true), settings, { id })!);
    expect(ownerView.requestedTags).toEqual(['finance', 'internal-only']);
    const visitor = insertUser();
    for (const viewer of [as(visitor.id, false), null]) {
      const shown = appJson(readAppVersion(viewer, settings, { id })!);
      expect(shown.requestedTags).toEqual([]);
      expect(shown.tags).toEqual([]);
    }
  });
});
