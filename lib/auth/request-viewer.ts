// The viewer of a request the instance router sees before Next (a plain Node request): the portal session
// is read exactly as for pages (lib/auth/session-reader.ts: same cookies, same checks), and on app hosts the
// router's own host session (lib/auth/instance-session.ts). Either way the user is then read afresh from the database.
import 'server-only';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { cookieValue, HOST_SESSION_COOKIE, verifyHostSession } from './instance-session';
import type { Viewer } from './policy';
import { authSecret } from './secret';
import { portalSessionOf } from './session-reader';
import { viewerFromSession } from './viewer-store';
import { refreshRolesIfDue } from './oidc-session';
import { hasDuplicateSessionCookie } from './session-cookies';

/** From the portal's session cookie (BASE_URL instance traffic, same origin as the portal). */
export async function viewerFromPortalSession(req: IncomingMessage): Promise<Viewer | null> {
  // As for pages (lib/auth/viewer.ts): a session cookie sent twice is no session.
  if (hasDuplicateSessionCookie(req.headers.cookie)) return null;
  const claim = (await portalSessionOf(req.headers.cookie))?.claim ?? null;
  if (claim) await refreshRolesIfDue(claim.userId);
  return viewerFromSession(claim);
}

/** From the app-host session cookie (DOMAIN instance traffic); it ends with the user's portal sessions. */
export async function viewerFromHostSession(headers: IncomingHttpHeaders, instanceId: string): Promise<Viewer | null> {
  const claim = verifyHostSession(authSecret(), cookieValue(headers.cookie, HOST_SESSION_COOKIE), instanceId);
  // App hosts too: the provider confirms a single sign-on user's roles every OIDC_REFRESH_INTERVAL.
  if (claim) await refreshRolesIfDue(claim.userId);
  return viewerFromSession(claim);
}
