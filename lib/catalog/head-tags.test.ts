// Each head's tag ids (catalog_heads.tag_ids, migration 0013), which a head index is built from instead of
// joining app_tags, are kept by triggers: after every kind of change the portal makes they must be the
// head's own app_tags rows, in both audiences (shared and public).
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { apps, type Visibility } from '@/db/schema';
import { deleteAppVersion, updateAppSettings } from '@/lib/apps/settings';
import { createTag, deleteTag, updateTag } from '@/lib/tags/tags';
import { staleHeadTags, storedHeadTags } from '@/lib/testing/catalog-heads';
import { insertAppRow, insertUser, useTempDataDir, viewerOf } from '@/lib/testing/db';
import { setEnv } from '@/lib/testing/env';
import { versionKey } from './version-order';

useTempDataDir();

/** The stored tag ids of `name`'s head per audience (absent: no head there). */
const heads = (name: string) =>
  Object.fromEntries(storedHeadTags().filter((h) => h.name === name).map((h) => [h.audience, h.tagIds] as const));
const sorted = (...ids: string[]) => [...ids].sort();

describe("each head's tag ids kept in catalog_heads", () => {
  beforeAll(() => setEnv({ PUBLIC_MODE: 'true' }));

  it('follow tags added to and removed from an app, a tag deleted, newer versions, visibility changes, deletions and owners', () => {
    const admin = viewerOf(insertUser({ isAdmin: true }));
    const owner = insertUser();
    const [a, b, c, d] = ['alpha', 'beta', 'gamma', 'delta'].map((name) => createTag(admin, { name, title: name, description: '', color: '#4b5563', isCategory: false, adminRoles: [], visitorRoles: [] }).id);
    const version = (v: string, visibility: Visibility, tagIds: string[]) =>
      insertAppRow({ name: 'tagged', version: v, versionKey: versionKey(v), ownerId: owner.id, visibility }, tagIds);
    // Other Names sharing the tags, so that a trigger touching more rows than it should shows too.
    for (let i = 0; i < 20; i++) insertAppRow({ name: `other-${i}`, ownerId: owner.id, visibility: i % 2 ? 'PUBLIC' : 'ALL_USERS' }, [a, b, c, d].slice(i % 4));
    const step = (label: string, change: () => void, expected: Record<string, string[]>) => {
      change();
      expect(heads('tagged'), label).toEqual(expected);
      expect(staleHeadTags(), label).toEqual([]);
    };

    let v1 = '';
    step('imported (the tags are written after the version)', () => (v1 = version('1.0.0', 'PUBLIC', [a])), { shared: [a], public: [a] });
    step('a tag added', () => updateAppSettings(admin, v1, { tagIds: [a, b] }), { shared: sorted(a, b), public: sorted(a, b) });
    step('a tag removed', () => updateAppSettings(admin, v1, { tagIds: [b] }), { shared: [b], public: [b] });
    step('a tag given to it again, then deleted (the foreign key removes it from every app)', () => {
      updateAppSettings(admin, v1, { tagIds: [b, c] });
      deleteTag(admin, b);
    }, { shared: [c], public: [c] });
    let v2 = '';
    step('a newer ALL_USERS version: the shared head replaced', () => (v2 = version('2.0.0', 'ALL_USERS', [d])), { shared: [d], public: [c] });
    step('the newer version made PRIVATE: the older one is the head again', () => updateAppSettings(admin, v2, { visibility: 'PRIVATE' }), { shared: [c], public: [c] });
    step('the newer version made PUBLIC: the head of both audiences', () => updateAppSettings(admin, v2, { visibility: 'PUBLIC' }), { shared: [d], public: [d] });
    step('the older version re-tagged while not a head', () => updateAppSettings(admin, v1, { tagIds: [a] }), { shared: [d], public: [d] });
    step('a tag renamed: its id stays', () => updateTag(admin, d, { name: 'renamed', title: 'Renamed' }), { shared: [d], public: [d] });
    step('the Name given to another owner (its heads rewritten)', () => {
      getDb().update(apps).set({ ownerId: insertUser().id }).where(eq(apps.name, 'tagged')).run();
    }, { shared: [d], public: [d] });
    step('an app_tags row changed in place', () => {
      getDb().$client.prepare('UPDATE app_tags SET tag_id = ? WHERE app_id = ? AND tag_id = ?').run(c, v2, d);
    }, { shared: [c], public: [c] });
    step('an app_tags row moved to another version', () => {
      getDb().$client.prepare('UPDATE app_tags SET app_id = ? WHERE app_id = ? AND tag_id = ?').run(v1, v2, c);
    }, { shared: [], public: [] });
    step('the newest version deleted: the older one is the head, with its own tags', () => deleteAppVersion(admin, v2), { shared: sorted(a, c), public: sorted(a, c) });
    step('its last version made PRIVATE: no head', () => updateAppSettings(admin, v1, { visibility: 'PRIVATE' }), {});
    expect(storedHeadTags().filter((h) => h.name.startsWith('other-'))).toHaveLength(30);
  });

  it('are seen to be stale when a trigger is missing (what the test above relies on)', () => {
    const admin = viewerOf(insertUser({ isAdmin: true }));
    const tag = createTag(admin, { name: 'probe', title: 'Probe', description: '', color: '#4b5563', isCategory: false, adminRoles: [], visitorRoles: [] }).id;
    const app = insertAppRow({ name: 'probe-app', ownerId: admin.id, visibility: 'ALL_USERS' }, [tag]);
    const client = getDb().$client;
    client.exec('SAVEPOINT without_trigger');
    try {
      client.exec('DROP TRIGGER app_tags_heads_ad');
      client.prepare('DELETE FROM app_tags WHERE app_id = ?').run(app);
      expect(staleHeadTags()).toEqual([expect.objectContaining({ name: 'probe-app', tagIds: [tag], actual: [] })]);
    } finally {
      client.exec('ROLLBACK TO without_trigger');
      client.exec('RELEASE without_trigger');
    }
    expect(staleHeadTags()).toEqual([]);
    expect(heads('probe-app')).toEqual({ shared: [tag] });
  });
});
