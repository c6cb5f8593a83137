// The viewer of a request the instance router sees before Next (a plain Node request): the portal session
// is read exactly as for pages (lib/auth/session-reader.ts: same cookies, same checks), and on app hosts the
// router's own host session (lib/auth/instance-session.ts). Either way the user is then read afresh from the database.
import 'server-only';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { cookieValue, HOST_SESSION_COOKIE, verifyHostSession } from './instance-session';
import type { Viewer } from './policy';
import type { SessionClaim } from './session-claim';
import { authSecret } from './secret';
import { portalSessionOf } from './session-reader';
import { viewerFromSession } from './viewer-store';
import { refreshRolesIfDue } from './oidc-session';
import { hasDuplicateSessionCookie } from './session-cookies';

/**
 * The signed-in viewer of a Cookie header and the session claim it came with, or null: how pages (lib/auth/viewer.ts
 * getSignedIn) and the routers before Next (below) read the portal session.
 */
export async function signedInOf(cookie: string | null | undefined): Promise<{ viewer: Viewer; claim: SessionClaim } | null> {
  // A session cookie sent twice (one planted for a parent domain by a sibling host): signed out, not a guess.
  if (hasDuplicateSessionCookie(cookie)) return null;
  const claim = (await portalSessionOf(cookie))?.claim ?? null;
  // A user who signed in through the provider has their roles confirmed by it every OIDC_REFRESH_INTERVAL.
  if (claim) await refreshRolesIfDue(claim.userId);
  const viewer = viewerFromSession(claim);
  return viewer && claim ? { viewer, claim } : null;
}

/** From the portal's session cookie (BASE_URL instance traffic and browsers' assets, same origin as the portal). */
export async function viewerFromPortalSession(req: IncomingMessage): Promise<Viewer | null> {
  return (await signedInOf(req.headers.cookie))?.viewer ?? null;
}

/** From the app-host session cookie (DOMAIN instance traffic); it ends with the user's portal sessions. */
export async function viewerFromHostSession(headers: IncomingHttpHeaders, instanceId: string): Promise<Viewer | null> {
  const claim = verifyHostSession(authSecret(), cookieValue(headers.cookie, HOST_SESSION_COOKIE), instanceId);
  // App hosts too: the provider confirms a single sign-on user's roles every OIDC_REFRESH_INTERVAL.
  if (claim) await refreshRolesIfDue(claim.userId);
  return viewerFromSession(claim);
}
