// What crosses the router between a browser and an app: the portal's own credentials never reach an app,
// and an app can never set the portal's cookies. Only cookie *names* are looked at here, never values.

/**
 * Cookie names the portal uses or may use: Auth.js's (chunked `.0`, `.1` and prefixed forms included) and
 * the router's own app-host session (`__appstore_host`, lib/auth/instance-session.ts).
 */
const PORTAL_COOKIE = /^(?:(?:__(?:Secure|Host)-)?(?:authjs|next-auth)\.|__appstore_)/i;

/** Anything the portal could set or read as its own, now or in a later version. */
export function isPortalCookieName(name: string): boolean {
  return PORTAL_COOKIE.test(name.trim());
}

/** The Cookie header without the portal's cookies (undefined when nothing is left). */
export function withoutPortalCookies(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const kept = header
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '' && !isPortalCookieName(pair.split('=', 1)[0]));
  return kept.length > 0 ? kept.join('; ') : undefined;
}

/** Set-Cookie lines an app may send: none that names a portal cookie. */
export function allowedSetCookies(lines: string[] | undefined): string[] | undefined {
  if (!lines) return undefined;
  return lines.filter((line) => !isPortalCookieName(line.split('=', 1)[0]));
}

/**
 * Request headers never forwarded: the caller's portal identity, and what the portal's server adds for itself
 * (the TCP peer's address for the sign-in throttle, x-appstore-socket-address).
 */
export const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'x-appstore-socket-address'] as const;
