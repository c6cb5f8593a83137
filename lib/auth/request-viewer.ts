// The viewer of a request the instance router sees before Next (a plain Node request): the portal session
// is read by Auth.js exactly as for pages (same cookies, same checks), and on app hosts the router's own
// host session (lib/auth/instance-session.ts). Either way the user is then read afresh from the database.
import 'server-only';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { auth } from './next-auth';
import { cookieValue, HOST_SESSION_COOKIE, verifyHostSession } from './instance-session';
import type { Viewer } from './policy';
import { authSecret } from './secret';
import { claimOfSession } from './session-claim';
import { viewerFromSession } from './viewer-store';
import { refreshRolesIfDue } from './oidc-session';
import { hasDuplicateSessionCookie } from './session-cookies';

/** From the portal's session cookie (BASE_URL instance traffic, same origin as the portal). */
export async function viewerFromPortalSession(req: IncomingMessage): Promise<Viewer | null> {
  // As for pages (lib/auth/viewer.ts): a session cookie sent twice is no session.
  if (hasDuplicateSessionCookie(req.headers.cookie)) return null;
  const plain: Record<string, string> = {};
  for (const name of ['cookie', 'host', 'x-forwarded-proto', 'x-forwarded-host']) {
    const value = req.headers[name];
    if (typeof value === 'string') plain[name] = value;
  }
  // As Next does for its own handlers: the scheme decides which cookie name (__Secure- or not) is read.
  plain['x-forwarded-proto'] ??= (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  // The pages-router form of auth(): it answers the session; a refreshed cookie is not sent along with an
  // app's response (the portal's own pages refresh it).
  const session = await (auth as unknown as (req: { headers: Record<string, string> }, res: { headers: Headers }) => Promise<{ user?: { id?: string }; sessionVersion?: number } | null>)(
    { headers: plain },
    { headers: new Headers() },
  );
  const claim = claimOfSession(session);
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
