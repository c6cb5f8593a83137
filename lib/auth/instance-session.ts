// Signing a viewer in on an app host (DOMAIN routing), where the portal's own cookie is never sent:
// the portal hands a one-time code (60 s, bound to one instance) to the app host, which exchanges it for
// a host-only session cookie of its own. The cookie carries only the user id, the user's session version
// and the instance id; the user is re-read from the database on every request, so roles, disabling,
// deletion and session revocation (sign-out, lib/auth/revocation.ts) apply at once.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SessionClaim } from './session-claim';

/** The app-host session cookie; the router strips it before forwarding (lib/router/headers.ts). */
export const HOST_SESSION_COOKIE = '__appstore_host';
/** Path on an app host where the router takes the handoff code. */
export const HANDOFF_PATH = '/__appstore/handoff';

const CODE_TTL_MS = 60_000;
const SESSION_TTL_MS = 12 * 3600_000;

interface Handoff {
  claim: SessionClaim;
  instanceId: string;
  expires: number;
}

const holder = globalThis as { __appstoreHandoffs?: Map<string, Handoff> };
const handoffs = (holder.__appstoreHandoffs ??= new Map());

function sweep(now: number): void {
  for (const [code, h] of handoffs) if (h.expires <= now) handoffs.delete(code);
}

/** A code the app host exchanges once, within a minute, for a session (of the same claim) on that instance's host. */
export function issueHandoff(claim: SessionClaim, instanceId: string, now = Date.now()): string {
  sweep(now);
  const code = randomBytes(32).toString('base64url');
  handoffs.set(code, { claim: { ...claim }, instanceId, expires: now + CODE_TTL_MS });
  return code;
}

/** The session claim of a valid, unused code for this instance; the code is spent whatever the answer. */
export function redeemHandoff(code: string, instanceId: string, now = Date.now()): SessionClaim | null {
  const handoff = handoffs.get(code);
  handoffs.delete(code);
  if (!handoff || handoff.expires <= now || handoff.instanceId !== instanceId) return null;
  return handoff.claim;
}

function mac(key: string, payload: string): Buffer {
  return createHmac('sha256', key).update(`appstore-host-session\0${payload}`).digest();
}

/** The cookie value for a session (user and session version) on one instance's host. */
export function signHostSession(key: string, claim: SessionClaim, instanceId: string, now = Date.now()): string {
  const payload = `${claim.userId}.${instanceId}.${claim.version}.${now + SESSION_TTL_MS}`;
  return `${payload}.${mac(key, payload).toString('base64url')}`;
}

/**
 * The session claim, when the value was signed with `key` for this instance and has not expired (whether
 * the claim's version is still current is the viewer store's question).
 */
export function verifyHostSession(key: string, value: string | undefined, instanceId: string, now = Date.now()): SessionClaim | null {
  if (!value) return null;
  const parts = value.split('.');
  if (parts.length !== 5) return null;
  const [userId, forInstance, version, expires, signature] = parts;
  const expected = mac(key, `${userId}.${forInstance}.${version}.${expires}`);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  if (forInstance !== instanceId || !(Number(expires) > now) || !/^\d{1,15}$/.test(version)) return null;
  return { userId, version: Number(version) };
}

/** `Set-Cookie` for the host session: host-only (no Domain), HttpOnly, SameSite=Lax. */
export function hostSessionCookie(value: string, secure: boolean): string {
  return `${HOST_SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_TTL_MS / 1000}${secure ? '; Secure' : ''}`;
}

/** The value of one named cookie in a Cookie header; headers are split in one place (lib/auth/session-cookies.ts). */
export { cookieValue } from './session-cookies';

/** A return path that stays on the host it is used on: one leading slash, no scheme, no backslash. */
export function safeReturnPath(value: string | null | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || /[\\\u0000-\u001f]/.test(value)) return '/';
  return value;
}
