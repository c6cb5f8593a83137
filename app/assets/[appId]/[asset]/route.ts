// Icons and screenshots of app versions (`/assets/<appId>/icon`, `/assets/<appId>/screenshot-<n>`),
// checked against the viewer like the app's page: 404 for anything the viewer may not see. A browser's request
// (its session cookie, no Bearer token) is usually answered before Next by lib/router/asset-router.ts, with
// the same answer (lib/apps/asset-answer.ts); this route answers the others, API clients and every 404.
import { apiHandler } from '@/lib/api/route';
import { accessSettings } from '@/lib/auth/viewer';
import { notFound } from '@/lib/errors';
import { answerAsset } from '@/lib/apps/asset-answer';

/** Anything the viewer may not see (a bad Bearer token sees nothing) answers 404, as what does not exist. */
export const GET = apiHandler<'reader', undefined, { appId: string; asset: string }>({ access: 'reader', hidden: true }, async ({ viewer, params, request }) => {
  const answer = await answerAsset(viewer, accessSettings(), params.appId, params.asset, request.headers.get('if-none-match'));
  if (!answer) throw notFound();
  return new Response(answer.body ? new Uint8Array(answer.body) : null, { status: answer.status, headers: answer.headers });
});
