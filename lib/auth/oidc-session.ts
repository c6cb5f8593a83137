// Keeping a provider-signed-in user's roles current: the latest sign-in's refresh token and id_token are
// kept sealed (oidc_grants, with the secrets key); every OIDC_REFRESH_INTERVAL the next request of that user
// asks the provider again (refresh token grant) and applies the roles it states now. When the provider no longer
// honours the grant (user removed or signed out there, consent revoked), every portal session of the user ends.
// Also: the provider's end_session_endpoint for RP-initiated logout.
import 'server-only';
import { and, eq } from 'drizzle-orm';
import * as oauth from 'oauth4webapi';
import { getDb } from '@/db';
import { oidcGrants } from '@/db/schema';
import { seal, unseal } from '@/lib/secrets/crypto';
import { applyRefreshedClaims, oidcSettings, type OidcSettings } from './oidc';
import { discover, verifyProviderIdToken } from './oidc-discovery';
import { revokeSessions } from './revocation';

interface GrantTokens {
  refreshToken?: string;
  idToken?: string;
}

const sealId = (userId: string) => `oidc-grant:${userId}`;

/** Stores the tokens of a sign-in (or a refresh), replacing the user's previous ones. */
export function saveGrant(userId: string, tokens: GrantTokens, checkedAt = new Date()): void {
  const sealed = seal(sealId(userId), 'tokens', JSON.stringify(tokens));
  getDb()
    .insert(oidcGrants)
    .values({ userId, ...sealed, checkedAt })
    .onConflictDoUpdate({ target: oidcGrants.userId, set: { ...sealed, checkedAt } })
    .run();
}

function loadGrant(userId: string): (GrantTokens & { checkedAt: Date }) | null {
  const row = getDb().select().from(oidcGrants).where(eq(oidcGrants.userId, userId)).get();
  if (!row) return null;
  try {
    return { ...(JSON.parse(unseal(sealId(userId), 'tokens', row)) as GrantTokens), checkedAt: row.checkedAt };
  } catch {
    return null; // sealed with another key (restored without SECRETS_KEY): as if there were none
  }
}

export function deleteGrant(userId: string): void {
  getDb().delete(oidcGrants).where(eq(oidcGrants.userId, userId)).run();
}

const inFlight = new Map<string, Promise<void>>();

/**
 * Takes the due check of `userId`: moves checked_at from the value `seen` to now, which only one of the
 * processes serving the portal (the primary and its render workers, README "How the server works") can do.
 * The others go on with the current roles, as if they had come a moment earlier: a refresh token sent twice at
 * once counts as replayed with providers that rotate them, and ends the user's grant.
 */
export function claimRoleCheck(userId: string, seen: Date, now = new Date()): boolean {
  return (
    getDb()
      .update(oidcGrants)
      .set({ checkedAt: now })
      .where(and(eq(oidcGrants.userId, userId), eq(oidcGrants.checkedAt, seen)))
      .run().changes === 1
  );
}

/**
 * Before a request of `userId` is authorized: when the provider last confirmed the user's roles more than
 * the refresh interval ago, ask it again. Concurrent requests of one user wait for the same check.
 */
export async function refreshRolesIfDue(userId: string): Promise<void> {
  const settings = oidcSettings();
  if (!settings) return;
  const row = getDb().select({ checkedAt: oidcGrants.checkedAt }).from(oidcGrants).where(eq(oidcGrants.userId, userId)).get();
  if (!row || Date.now() - row.checkedAt.getTime() < settings.refreshIntervalSeconds * 1000) return;
  let running = inFlight.get(userId);
  if (!running) {
    let claimed = false;
    try {
      claimed = claimRoleCheck(userId, row.checkedAt);
    } catch (error) {
      // The database busy with another process's write: the next request asks again.
      console.warn(`[auth] role refresh of user ${userId} not started: ${error instanceof Error ? error.name : 'error'}`);
    }
    if (!claimed) return;
    running = refreshRoles(userId, settings)
      // A failed check (say the database busy with another process's write) must not fail the request: the
      // roles stay as they are and the next request after the interval asks again.
      .catch((error) => console.warn(`[auth] role refresh of user ${userId} failed: ${error instanceof Error ? error.name : 'error'}`))
      .finally(() => inFlight.delete(userId));
    inFlight.set(userId, running);
  }
  await running;
}

/** Every portal session of the user ends, and the grant is forgotten. */
function endProviderSessions(userId: string): void {
  getDb().transaction((tx) => {
    revokeSessions(tx, userId);
    tx.delete(oidcGrants).where(eq(oidcGrants.userId, userId)).run();
  });
}

async function refreshRoles(userId: string, settings: OidcSettings): Promise<void> {
  const grant = loadGrant(userId);
  if (!grant?.refreshToken) {
    // Nothing to ask the provider with (it issued no refresh token): the roles of the last sign-in stand.
    if (grant) saveGrant(userId, grant);
    return;
  }
  const client: oauth.Client = { client_id: settings.clientId };
  const insecure = { [oauth.allowInsecureRequests]: new URL(settings.issuer).protocol === 'http:' };
  let claims: Record<string, unknown>;
  let next: GrantTokens;
  try {
    const as = await discover(settings);
    const response = await oauth.refreshTokenGrantRequest(as, client, oauth.ClientSecretBasic(settings.clientSecret), grant.refreshToken, {
      ...insecure,
      signal: AbortSignal.timeout(10_000),
    });
    const result = await oauth.processRefreshTokenResponse(as, client, response);
    next = { refreshToken: result.refresh_token ?? grant.refreshToken, idToken: result.id_token ?? grant.idToken };
    if (result.id_token) {
      // oauth4webapi checked the claims, not the signature: a token the provider's keys do not verify is no
      // statement of the provider, and the user's sessions end (the next sign-in checks it again). Keys that
      // cannot be fetched throw: the provider is not answering, handled below like any other outage.
      const verified = await verifyProviderIdToken(result.id_token, settings);
      if (!verified) {
        console.warn(`[auth] the refreshed id_token of user ${userId} does not verify (signature, issuer, audience or expiry): their sessions end`);
        endProviderSessions(userId);
        return;
      }
      claims = verified as Record<string, unknown>;
    } else {
      const info = await oauth.userInfoRequest(as, client, result.access_token, { ...insecure, signal: AbortSignal.timeout(10_000) });
      const sub = (JSON.parse(Buffer.from(grant.idToken?.split('.')[1] ?? '', 'base64url').toString() || '{}') as { sub?: string }).sub;
      claims = (await oauth.processUserInfoResponse(as, client, sub ?? oauth.skipSubjectCheck, info)) as Record<string, unknown>;
    }
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError && error.error === 'invalid_grant') {
      // The provider no longer honours this sign-in: the user's portal sessions end with it.
      console.warn(`[auth] provider refused the refresh of user ${userId} (invalid_grant): their sessions end`);
      endProviderSessions(userId);
      return;
    }
    // Provider down or misconfigured: keep the current roles and try again after one more interval.
    console.warn(`[auth] could not refresh the roles of user ${userId}: ${error instanceof Error ? error.name : 'error'}${error instanceof oauth.ResponseBodyError ? ` ${error.error}` : ''}`);
    saveGrant(userId, grant);
    return;
  }
  if (!applyRefreshedClaims(userId, claims, settings)) {
    endProviderSessions(userId);
    return;
  }
  saveGrant(userId, next);
}

/**
 * Where sign-out sends the browser for a provider-signed-in user: the provider's end_session_endpoint
 * (RP-initiated logout, coming back to /login), or null when the provider advertises none or is down.
 * The stored tokens are dropped either way.
 */
export async function providerSignOutUrl(userId: string, publicUrl: string): Promise<string | null> {
  const settings = oidcSettings();
  if (!settings) return null;
  const grant = loadGrant(userId);
  deleteGrant(userId);
  try {
    const as = await discover(settings);
    if (!as.end_session_endpoint) return null;
    const url = new URL(as.end_session_endpoint);
    url.searchParams.set('client_id', settings.clientId);
    url.searchParams.set('post_logout_redirect_uri', `${publicUrl}/login`);
    if (grant?.idToken) url.searchParams.set('id_token_hint', grant.idToken);
    return url.href;
  } catch {
    return null;
  }
}
