// Icons and screenshots of app versions (`/assets/<appId>/icon`, `/assets/<appId>/screenshot-<n>`),
// checked against the viewer like the app's page: 404 for anything the viewer may not see.
import fsp from 'node:fs/promises';
import { apiHandler } from '@/lib/api/route';
import { accessSettings } from '@/lib/auth/viewer';
import { notFound } from '@/lib/errors';
import { visibleAsset } from '@/lib/apps/read';
import { decodeSegment, parseAssetSegment } from '@/lib/urls';
import { assetPath } from '@/lib/storage/paths';

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

/** Anything the viewer may not see (a bad Bearer token sees nothing) answers 404, as what does not exist. */
export const GET = apiHandler<'reader', undefined, { appId: string; asset: string }>({ access: 'reader', hidden: true }, async ({ viewer, params, request }) => {
  const { appId, asset } = params;
  const which = parseAssetSegment(asset);
  if (!which) throw notFound();
  const found = visibleAsset(viewer, accessSettings(), decodeSegment(appId), which);
  if (!found) throw notFound();
  const caching = { 'Cache-Control': found.isPublic ? PUBLIC_CACHE : PRIVATE_CACHE, ETag: `"${found.sha256}"` };
  // The browser's copy is still this version's (its bytes never change): no need to read or send them again.
  if (request.headers.get('if-none-match')?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === caching.ETag)) {
    return new Response(null, { status: 304, headers: caching });
  }
  let bytes: Buffer;
  try {
    bytes = await fsp.readFile(assetPath(found.sha256));
  } catch (error) {
    console.error(`Asset file missing for app ${appId} (${found.sha256}):`, error);
    throw notFound();
  }
  return new Response(new Uint8Array(bytes), {
    headers: {
      'Content-Type': found.contentType,
      'Content-Length': String(bytes.length),
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': ASSET_CSP,
      'Cross-Origin-Resource-Policy': 'same-origin',
      ...caching,
    },
  });
});
