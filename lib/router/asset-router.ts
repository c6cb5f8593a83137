// Icons and screenshots for browsers, answered before Next (server.ts): a catalog view that shows cards the
// browser has not seen asks for up to 24 icons, and through a Next route handler each cost several times what
// its answer does (issue 15: 1.5 ms of CPU against 0.3 for a static file). The answer itself is the route's
// (lib/apps/asset-answer.ts), for the viewer of the portal's session cookie read through lib/auth, by what the
// start-up installs (lib/apps/asset-gateway.ts). Everything else goes on to Next: a Bearer token (the API's
// way in), anything not plainly `/assets/<id>/<icon|screenshot-n>`, and every request the answer is null for
// (not found, not visible, a missing file, an error), so that the route gives every error its one form.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { applySecurityHeaders } from '@/lib/http/front';

export interface AssetReply {
  status: number;
  headers: Record<string, string>;
  /** The bytes (null for a 304). */
  body: Buffer | null;
}

/** What the start-up installs: the answer for a browser's request, or null to leave it to Next. */
export type AssetAnswerer = (req: IncomingMessage, appId: string, asset: string) => Promise<AssetReply | null>;

const ANSWERER = Symbol.for('appstore.assetAnswerer');
const holder = globalThis as { [ANSWERER]?: AssetAnswerer };

/** Installs this process's answerer (lib/apps/asset-gateway.ts, at start-up); undefined removes it (tests). */
export function installAssetAnswerer(answerer: AssetAnswerer | undefined): void {
  holder[ANSWERER] = answerer;
}

/** Plain asset paths only: an id of letters, digits and dashes, then `icon` or `screenshot-<n>`, any query. */
const ASSET_PATH = /^\/assets\/([A-Za-z0-9-]{1,64})\/(icon|screenshot-\d{1,4})(?:\?.*)?$/;

export function createAssetRouter() {
  return {
    /** False at once (synchronously) for what is not a browser's asset request, so Next's handling starts in the same tick. */
    handle(req: IncomingMessage, res: ServerResponse): false | Promise<boolean> {
      if (req.method !== 'GET' && req.method !== 'HEAD') return false;
      if (req.headers.authorization !== undefined) return false;
      const match = ASSET_PATH.exec(req.url ?? '');
      const answerer = holder[ANSWERER];
      if (!match || !answerer) return false;
      return answerer(req, match[1], match[2]).then((reply) => {
        if (!reply) return false;
        applySecurityHeaders(req, res);
        res.writeHead(reply.status, reply.headers);
        res.end(req.method === 'HEAD' ? undefined : (reply.body ?? undefined));
        return true;
      });
    },
  };
}
