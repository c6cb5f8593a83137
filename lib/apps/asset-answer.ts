// The answer to a request for an icon or screenshot of an app version (`/assets/<appId>/icon`,
// `/assets/<appId>/screenshot-<n>`), for a viewer lib/auth has already resolved: the one implementation behind
// the API route (app/assets/[appId]/[asset]/route.ts) and the asset router that answers browsers before Next
// (lib/router/asset-router.ts). Null for anything the viewer may not see or that is missing: the route answers
// those (404, as what does not exist), so that every error keeps one form.
import 'server-only';
import fsp from 'node:fs/promises';
import type { AccessSettings, Viewer } from '@/lib/auth/policy';
import type { AssetReply } from '@/lib/router/asset-router';
import { assetPath } from '@/lib/storage/paths';
import { decodeSegment, parseAssetSegment } from '@/lib/urls';
import { visibleAsset } from './read';

/** Images only; if one is opened directly (an SVG, say) nothing in it may run or load. */
const ASSET_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox";
/** Asset bytes of an app version never change; only who may see them does, so public caching is bounded. */
const PUBLIC_CACHE = 'public, max-age=86400, stale-while-revalidate=604800';
/**
 * The others are kept by the viewer's browser alone, for ten minutes: a catalog page of 24 cards fetched all
 * its icons again on every view (each a request, about 2 ms of CPU, several times the page's own; issue 15).
 * An icon's URL appears only on pages rendered for a viewer who may see it, so the browser's copy shows nothing
 * those pages do not; a viewer who loses access stops being served it within ten minutes.
 */
const PRIVATE_CACHE = 'private, max-age=600';

/** The asset router's reply (lib/router/asset-router.ts), which the route sends as well: 200 with the bytes, or 304 without. */
export type AssetAnswer = AssetReply & { status: 200 | 304 };

/** What `/assets/<appIdSegment>/<assetSegment>` answers this viewer; null: not found (or not theirs to see). */
export async function answerAsset(
  viewer: Viewer | null,
  settings: AccessSettings,
  appIdSegment: string,
  assetSegment: string,
  ifNoneMatch: string | null,
  /** Whether a missing file is logged here (the asset router leaves that to the route it hands the request to). */
  options: { logMissing: boolean } = { logMissing: true },
): Promise<AssetAnswer | null> {
  const which = parseAssetSegment(assetSegment);
  if (!which) return null;
  const appId = decodeSegment(appIdSegment);
  const found = visibleAsset(viewer, settings, appId, which);
  if (!found) return null;
  const caching = { 'Cache-Control': found.isPublic ? PUBLIC_CACHE : PRIVATE_CACHE, ETag: `"${found.sha256}"` };
  // The browser's copy is still this version's (its bytes never change): no need to read or send them again.
  if (ifNoneMatch?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === caching.ETag)) {
    return { status: 304, headers: caching, body: null };
  }
  let bytes: Buffer;
  try {
    bytes = await fsp.readFile(assetPath(found.sha256));
  } catch (error) {
    if (options.logMissing) console.error(`Asset file missing for app ${appId} (${found.sha256}):`, error);
    return null;
  }
  return {
    status: 200,
    headers: {
      'Content-Type': found.contentType,
      'Content-Length': String(bytes.length),
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': ASSET_CSP,
      'Cross-Origin-Resource-Policy': 'same-origin',
      ...caching,
    },
    body: bytes,
  };
}
