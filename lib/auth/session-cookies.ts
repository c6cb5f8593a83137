// The portal's own cookies: their names (with the `__Host-` prefix when the portal is served over https, so a
// page on another host — an app host under APPS_DOMAIN — cannot plant or overwrite them), and the rule for a
// Cookie header that carries the session cookie more than once (a cookie tossed in from a sibling host).
// The one place lib/auth splits a Cookie header into names and values (Auth.js parses its own).

/** Auth.js's cookies the portal names itself; the rest (pkce, state, nonce) keep Auth.js's defaults. */
const AUTH_COOKIE_BASES = { sessionToken: 'authjs.session-token', csrfToken: 'authjs.csrf-token', callbackUrl: 'authjs.callback-url' } as const;

type AuthCookieKey = keyof typeof AUTH_COOKIE_BASES;

/**
 * The `cookies` option of Auth.js. Over https: `__Host-` names, which browsers accept only from this very host
 * (Secure, Path=/, no Domain), so an app at `<id>.<APPS_DOMAIN>` cannot set one with `Domain=<portal host>`.
 * Over plain http no prefix can be used (browsers refuse them without Secure): Auth.js's own names.
 */
export function authCookies(secure: boolean): Record<AuthCookieKey, { name: string; options: { httpOnly: true; sameSite: 'lax'; path: '/'; secure: boolean } }> {
  const entry = (base: string) => ({
    name: secure ? `__Host-${base}` : base,
    options: { httpOnly: true as const, sameSite: 'lax' as const, path: '/' as const, secure },
  });
  return {
    sessionToken: entry(AUTH_COOKIE_BASES.sessionToken),
    csrfToken: entry(AUTH_COOKIE_BASES.csrfToken),
    callbackUrl: entry(AUTH_COOKIE_BASES.callbackUrl),
  };
}

/** Whether the portal is served over https, as its public URL (PUBLIC_URL) says. */
export function servedOverHttps(publicUrl: string): boolean {
  return publicUrl.startsWith('https:');
}

/** `[name, value]` pairs of a Cookie header, in the order the browser sent them (duplicates kept). */
export function cookiePairs(header: string | null | undefined): [string, string][] {
  const pairs: [string, string][] = [];
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) pairs.push([part.slice(0, eq).trim(), part.slice(eq + 1).trim()]);
  }
  return pairs;
}

/** The first value of cookie `name` in a Cookie header. */
export function cookieValue(header: string | null | undefined, name: string): string | undefined {
  return cookiePairs(header).find(([n]) => n === name)?.[1];
}

/** The session cookie in any of its forms: plain, `__Secure-`/`__Host-` prefixed, and its chunks (`.0`, `.1`…). */
const SESSION_COOKIE = /^(?:__(?:Secure|Host)-)?authjs\.session-token(?:\.\d+)?$/;

/**
 * True when the Cookie header carries one session cookie name more than once. A browser sends two cookies of one
 * name when a second was set for a parent domain (`Domain=<portal host>`, by a page on a sibling host): which one
 * is the user's cannot be told, so the request is treated as signed out rather than picking one.
 */
export function hasDuplicateSessionCookie(header: string | null | undefined): boolean {
  const seen = new Set<string>();
  for (const [name] of cookiePairs(header)) {
    if (!SESSION_COOKIE.test(name)) continue;
    if (seen.has(name)) return true;
    seen.add(name);
  }
  return false;
}
