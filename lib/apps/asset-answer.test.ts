// The one answer for an icon or screenshot (the route and the asset router both use it): bytes with the
// caching the viewer's visibility allows, 304 for the browser's copy, null for anything else.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db';
import { appAssets } from '@/db/schema';
import { assetPath } from '@/lib/storage/paths';
import { insertAppRow, insertUser, useTempDataDir, viewerOf } from '@/lib/testing/db';
import { answerAsset } from './asset-answer';

useTempDataDir();
afterEach(() => vi.restoreAllMocks());

const settings = { publicMode: true, fullAccessRole: '' };

function appWithIcon(visibility: 'PUBLIC' | 'PRIVATE', sha256: string, bytes: Buffer | null) {
  const owner = insertUser();
  const id = insertAppRow({ ownerId: owner.id, visibility });
  getDb().insert(appAssets).values({ appId: id, kind: 'icon', position: 0, sha256, contentType: 'image/png', size: bytes?.length ?? 1 }).run();
  if (bytes) {
    fs.mkdirSync(path.dirname(assetPath(sha256)), { recursive: true });
    fs.writeFileSync(assetPath(sha256), bytes);
  }
  return { owner, id };
}

describe('an asset answer', () => {
  it('sends the bytes, publicly cacheable only for a PUBLIC app in public mode, and 304 for the same ETag', async () => {
    const pub = appWithIcon('PUBLIC', 'a'.repeat(64), Buffer.from('public png'));
    const answer = (await answerAsset(null, settings, pub.id, 'icon', null))!;
    expect(answer.status).toBe(200);
    expect(answer.body!.toString()).toBe('public png');
    expect(answer.headers['Cache-Control']).toMatch(/^public, /);
    expect(answer.headers['Content-Security-Policy']).toContain('sandbox');
    expect((await answerAsset(null, settings, pub.id, 'icon', `W/"${'a'.repeat(64)}"`))).toMatchObject({ status: 304, body: null });

    const priv = appWithIcon('PRIVATE', 'b'.repeat(64), Buffer.from('private png'));
    expect(await answerAsset(null, settings, priv.id, 'icon', null)).toBeNull();
    // Knowing the ETag opens nothing: the viewer is checked first.
    expect(await answerAsset(viewerOf(insertUser()), settings, priv.id, 'icon', `"${'b'.repeat(64)}"`)).toBeNull();
    const own = (await answerAsset(viewerOf(priv.owner), settings, priv.id, 'icon', null))!;
    expect(own.headers['Cache-Control']).toBe('private, max-age=600');
    expect(await answerAsset(viewerOf(priv.owner), settings, priv.id, 'screenshot-0', null)).toBeNull();
    expect(await answerAsset(viewerOf(priv.owner), settings, priv.id, 'nonsense', null)).toBeNull();
  });

  it('answers null for a missing file, and logs it unless the caller hands the request on to be logged there', async () => {
    const gone = appWithIcon('PUBLIC', 'c'.repeat(64), null);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await answerAsset(null, settings, gone.id, 'icon', null, { logMissing: false })).toBeNull();
    expect(logged).not.toHaveBeenCalled();
    expect(await answerAsset(null, settings, gone.id, 'icon', null)).toBeNull();
    expect(logged).toHaveBeenCalledTimes(1);
    expect(String(logged.mock.calls[0][0])).toContain('Asset file missing');
  });
});
