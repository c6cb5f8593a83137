// The portal session a request carries, read once per request the way Auth.js's session action reads it: the
// session cookie Auth.js is configured with (lib/auth/session-cookies.ts), its chunks joined as Auth.js's
// SessionStore joins them, the Cookie header parsed by the library Auth.js vendors (`cookie`), the token decoded
// by the codec Auth.js is configured with (lib/auth/session-token.ts), and the claim the jwt and session
// callbacks (lib/auth/next-auth.ts) leave in it. Only this reading: Auth.js's `auth()` also checks or issues a
// CSRF token, encrypts a renewed session token and answers both in a Response that a page cannot send (the
// renewed cookie was dropped), which cost about a millisecond of CPU per page (issue 15). Auth.js still issues and
// ends sessions (sign-in, sign-out); session-reader.test.ts checks this reading against Auth.js's own.
import 'server-only';
import { parse } from 'cookie';
import { publicUrl } from '@/lib/config';
import { authSecret } from './secret';
import { claimOfToken, type SessionClaim } from './session-claim';
import { authCookies, servedOverHttps } from './session-cookies';
import { decodeSessionToken } from './session-token';

export interface PortalSession {
  claim: SessionClaim;
  /** Signed in through the OpenID Connect provider. */
  viaProvider: boolean;
}

/** The session cookie's name (and the codec's salt), as next-auth.ts configures Auth.js. */
export function sessionCookieName(): string {
  return authCookies(servedOverHttps(publicUrl())).sessionToken.name;
}

/**
 * The session token in a Cookie header as Auth.js's SessionStore assembles it: every non-empty cookie whose name
 * starts with the session cookie's (the first of a repeated name, as the parser keeps it), in chunk order.
 */
export function sessionTokenOf(header: string | null | undefined, name: string): string {
  const cookies = parse(header ?? '');
  const chunks: Record<string, string> = {};
  for (const [key, value] of Object.entries(cookies)) if (key.startsWith(name) && value) chunks[key] = value;
  const suffix = (key: string) => parseInt(key.split('.').pop() || '0');
  return Object.keys(chunks)
    .sort((a, b) => suffix(a) - suffix(b))
    .map((key) => chunks[key])
    .join('');
}

/**
 * The session of a Cookie header; null when there is none or its token is forged, altered, expired, made with
 * another key, or carries no claim. The caller still refuses a session cookie sent twice (hasDuplicateSessionCookie).
 */
export async function portalSessionOf(header: string | null | undefined): Promise<PortalSession | null> {
  const name = sessionCookieName();
  const token = sessionTokenOf(header, name);
  if (!token) return null;
  let payload;
  try {
    payload = await decodeSessionToken({ token, secret: authSecret(), salt: name });
  } catch (error) {
    // Its name only (jose's: JWEDecryptionFailed, JWTExpired…): never the token.
    console.warn(`[auth] session cookie refused (${error instanceof Error ? error.name : 'error'})`);
    return null;
  }
  const claim = claimOfToken(payload);
  return claim ? { claim, viaProvider: payload?.idp === 'oidc' } : null;
}
