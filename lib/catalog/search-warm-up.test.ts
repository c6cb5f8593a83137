import { describe, expect, it, onTestFinished, vi } from 'vitest';
import type { AccessSettings, Viewer } from '@/lib/auth/policy';
import { visibleAppsWhere } from '@/lib/auth/visibility-sql';
import { insertAppRow, insertUser, useTempDataDir } from '@/lib/testing/db';
import { setEnv } from '@/lib/testing/env';
import { cachedDocumentWords, clearDocumentWords, documentWordStats, limitDocumentWords } from './document-words';
import { audienceOf, cachedHeadIndexes, freshHeadIndex, freshSearchIndex, headIndex, searchOf } from './head-index';
import { renderWorkerWarmUp, setRenderWorkerWarmUp } from '@/lib/render/role';
import * as documentWords from './document-words';
import { getDb } from '@/db';
import { SHARED_HEAD_DOCUMENTS, warmSearch, warmSearchInBackground } from './search-warm-up';
import { versionKey } from './version-order';

useTempDataDir();

const settings: AccessSettings = { publicMode: false, fullAccessRole: 'full' };
const viewer: Viewer = { id: 'warm-viewer', email: 'warm@test', name: 'Warm', isAdmin: false, roles: ['full'], fullAccess: true };
const vocabulary = ['forecast', 'vision', 'naïve', 'Straße', 'data', 'dashboard', 'h2o', 'model', '中文', 'finance'];

describe('warming up the search', () => {
  // 1,200 Names (several slices), two versions each: only the newest (the card) is warmed; and one PRIVATE Name.
  function seedCatalog() {
    const ownerId = insertUser().id;
    for (let n = 0; n < 1200; n++) {
      for (const v of ['1.0.0', '2.0.0']) {
        insertAppRow({
          name: `ai.warm.app${n}`,
          version: v,
          versionKey: versionKey(v),
          ownerId,
          visibility: 'ALL_USERS',
          title: `${vocabulary[n % 10]} ${n}`,
          description: `${vocabulary[(n * 3) % 10]} ${vocabulary[(n * 7) % 10]} v${v}`,
          longDescription: `${vocabulary[(n * 11) % 10]} `.repeat(1 + (n % 5)),
        });
      }
    }
    insertAppRow({ name: 'ai.warm.private', ownerId, visibility: 'PRIVATE', title: 'hidden forecast' });
  }

  it('tokenizes every card ahead of the first search, which then tokenizes nothing and finds what it would have found', async () => {
    seedCatalog();
    clearDocumentWords(); // as a process that has not searched yet
    expect(cachedHeadIndexes()).toBe(0); // nor shown a catalog page
    const before = documentWordStats.tokenized;
    expect(await warmSearch(500)).toBe(1200);
    expect(documentWordStats.tokenized - before).toBe(1200); // the cards, not the older versions nor the PRIVATE one
    expect(cachedDocumentWords().documents).toBe(1200);

    // The full-access audience's indexes are built: an admin's or a full-access viewer's page finds them, and
    // they are what their own visibility conditions build.
    expect(cachedHeadIndexes()).toBe(1);
    const admin: Viewer = { ...viewer, id: 'warm-admin', isAdmin: true, fullAccess: false, roles: [] };
    for (const who of [viewer, admin]) {
      const index = headIndex(audienceOf(who, settings), visibleAppsWhere(who, settings));
      expect(index.search).not.toBeNull(); // built by the warm-up, not by this page
      expect({ ...index, search: null }).toEqual(freshHeadIndex(audienceOf(who, settings), visibleAppsWhere(who, settings)));
      expect(index.search).toEqual(freshSearchIndex(index));
    }
    expect(cachedHeadIndexes()).toBe(1);
    const warmed = documentWordStats.tokenized;
    const index = headIndex(audienceOf(viewer, settings), visibleAppsWhere(viewer, settings));
    expect(searchOf(index)).toBe(index.search);
    expect(documentWordStats.tokenized).toBe(warmed);
    // A second warm-up finds everything cached.
    expect(await warmSearch(500)).toBe(1200);
    expect(documentWordStats.tokenized).toBe(warmed);
  });

  it('stops, evicting nothing, when the words cache is three quarters full', async () => {
    clearDocumentWords();
    limitDocumentWords({ documents: 1000 });
    onTestFinished(() => limitDocumentWords());
    const warmed = await warmSearch(100);
    expect(warmed).toBe(700); // 700 + 100 would pass 750
    expect(cachedDocumentWords().documents).toBe(700);
  });

  it("shares its caches between copies of the modules, as Next's bundles each load their own", async () => {
    clearDocumentWords();
    vi.resetModules();
    const other = await import('./document-words');
    expect(other.cachedDocumentWords).not.toBe(cachedDocumentWords); // another copy of the module
    expect(other.cachedDocumentWords().documents).toBe(0);
    const otherIndexes = await import('./head-index');
    expect(await warmSearch(500)).toBe(1200); // this copy warms …
    expect(other.cachedDocumentWords().documents).toBe(1200); // … the other finds the words
    // … and the full-access audience's index, with its search index.
    const index = otherIndexes.headIndex(otherIndexes.audienceOf(viewer, settings), visibleAppsWhere(viewer, settings));
    expect(otherIndexes.cachedHeadIndexes()).toBe(1);
    expect(index.search).not.toBeNull();
  });

  it("in public mode, builds the anonymous visitors' indexes as well, as their own condition builds them", async () => {
    setEnv({ PUBLIC_MODE: 'true' });
    onTestFinished(() => setEnv({ PUBLIC_MODE: undefined }));
    const ownerId = insertUser().id;
    for (let n = 0; n < 30; n++) insertAppRow({ name: `ai.warm.public${n}`, ownerId, visibility: 'PUBLIC', title: `${vocabulary[n % 10]} public ${n}` });
    const before = cachedHeadIndexes();
    await warmSearch(500);
    const anonymous: AccessSettings = { publicMode: true, fullAccessRole: 'full' };
    expect(cachedHeadIndexes()).toBe(before + 1);
    const index = headIndex(audienceOf(null, anonymous), visibleAppsWhere(null, anonymous));
    expect(index.search).not.toBeNull(); // built by the warm-up
    expect(index.appIds).toHaveLength(30); // the PUBLIC Names only
    expect({ ...index, search: null }).toEqual(freshHeadIndex(audienceOf(null, anonymous), visibleAppsWhere(null, anonymous)));
    expect(index.search).toEqual(freshSearchIndex(index));
  });

  it("a render worker's warm-up, as server.ts waits for it: the cards it went through, or null (logged) when it failed", async () => {
    const ownerId = insertUser().id;
    for (let n = 0; n < 7; n++) insertAppRow({ name: `ai.warm.worker${n}`, ownerId, visibility: 'ALL_USERS', title: `${vocabulary[n]} worker` });
    clearDocumentWords();
    expect(await renderWorkerWarmUp()).toBeUndefined(); // none started: the worker does not wait
    setRenderWorkerWarmUp(warmSearchInBackground());
    onTestFinished(() => setRenderWorkerWarmUp(undefined));
    const cards = getDb().$client.prepare(SHARED_HEAD_DOCUMENTS).all().length; // these 7 and the earlier tests' cards
    expect(cards).toBeGreaterThanOrEqual(7);
    expect(await renderWorkerWarmUp()).toBe(cards);
    expect(cachedDocumentWords().documents).toBe(cards);

    clearDocumentWords();
    const failure = vi.spyOn(documentWords, 'cacheDocumentWords').mockImplementation(() => {
      throw new Error('disk I/O error');
    });
    onTestFinished(() => failure.mockRestore());
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    onTestFinished(() => logged.mockRestore());
    await expect(warmSearchInBackground()).resolves.toBeNull();
    expect(String(logged.mock.calls[0]?.[0])).toContain('Warming up the search failed');
  });
});

