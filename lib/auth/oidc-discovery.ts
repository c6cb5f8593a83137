// The identity provider's metadata (OpenID discovery) and signing keys (its JWKS), and the verification of
// the id_tokens it issues: signature against those keys, issuer, audience (the portal's client) and expiry.
// Auth.js (oauth4webapi) checks the id_token's claims and nonce but not its signature, so the portal does.
import 'server-only';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import * as oauth from 'oauth4webapi';
import type { OidcSettings } from './oidc';

// Discovery answers are kept a few minutes: refreshes and sign-outs need the endpoints, not a fresh copy each time.
let discovered: { issuer: string; at: number; as: oauth.AuthorizationServer } | null = null;
const DISCOVERY_TTL_MS = 5 * 60_000;

/** The provider's metadata (OpenID discovery); throws when it does not answer. `fresh`: ask now, whatever is kept. */
export async function discover(settings: Pick<OidcSettings, 'issuer'>, fresh = false): Promise<oauth.AuthorizationServer> {
  if (!fresh && discovered && discovered.issuer === settings.issuer && Date.now() - discovered.at < DISCOVERY_TTL_MS) return discovered.as;
  const issuer = new URL(settings.issuer);
  // http:// is only accepted for loopback issuers (lib/config.ts), so allowing it here opens nothing more.
  const response = await oauth.discoveryRequest(issuer, { [oauth.allowInsecureRequests]: issuer.protocol === 'http:', signal: AbortSignal.timeout(10_000) });
  const as = await oauth.processDiscoveryResponse(issuer, response);
  discovered = { issuer: settings.issuer, at: Date.now(), as };
  return as;
}

let keySet: { jwksUri: string; keys: JWTVerifyGetKey } | null = null;

/** The provider's signing keys (jose fetches its jwks_uri, keeps them, and fetches again for an unknown key id). */
export async function providerKeys(settings: Pick<OidcSettings, 'issuer'>): Promise<JWTVerifyGetKey | null> {
  const as = await discover(settings);
  if (!as.jwks_uri) return null;
  if (keySet?.jwksUri !== as.jwks_uri) keySet = { jwksUri: as.jwks_uri, keys: createRemoteJWKSet(new URL(as.jwks_uri)) };
  return keySet.keys;
}

/** Asymmetric algorithms only: a provider's tokens are never accepted with `none` or a shared-secret MAC. */
export const SIGNING_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/**
 * The claims of an id_token signed with one of `keys`, for the portal's client, from the issuer, not expired;
 * null when it does not verify. Throws when the keys cannot be had (the provider's JWKS does not answer): that
 * says nothing about the token.
 */
export async function verifyIdToken(
  idToken: string,
  expect: { issuer: string; clientId: string; keys: JWTVerifyGetKey },
): Promise<JWTPayload | null> {
  try {
    const { payload } = await jwtVerify(idToken, expect.keys, {
      issuer: expect.issuer,
      audience: expect.clientId,
      requiredClaims: ['sub', 'exp', 'iat'],
      algorithms: SIGNING_ALGORITHMS,
    });
    return payload;
  } catch (error) {
    if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) throw error;
    return null;
  }
}

/** verifyIdToken against the configured provider's keys (none advertised: nothing verifies); throws when they cannot be had. */
export async function verifyProviderIdToken(idToken: string | undefined, settings: OidcSettings): Promise<JWTPayload | null> {
  if (!idToken) return null;
  const keys = await providerKeys(settings);
  return keys ? verifyIdToken(idToken, { issuer: settings.issuer, clientId: settings.clientId, keys }) : null;
}
