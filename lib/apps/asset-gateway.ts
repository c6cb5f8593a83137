// The asset router's answers (lib/router/asset-router.ts), installed by the start-up: the portal session's
// viewer through lib/auth (request-viewer.ts, as the instance router reads it), then the route's own answer.
import 'server-only';
import { installAssetAnswerer } from '@/lib/router/asset-router';
import { isDatabaseBusy } from '@/db/errors';
import { accessSettings } from '@/lib/auth/access-settings';
import { viewerFromPortalSession } from '@/lib/auth/request-viewer';
import { answerAsset } from './asset-answer';

export function installAssetGateway(): void {
  installAssetAnswerer(async (req, appId, asset) => {
    try {
      // A missing file is logged once, by the route this request then goes to.
      return await answerAsset(await viewerFromPortalSession(req), accessSettings(), appId, asset, req.headers['if-none-match'] ?? null, { logMissing: false });
    } catch (error) {
      // The route answers it again, with its retries while the database is busy and its error answers.
      if (!isDatabaseBusy(error)) console.error('Asset answer failed; leaving it to the route:', error);
      return null;
    }
  });
}
