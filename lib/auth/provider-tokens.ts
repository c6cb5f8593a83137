// Access tokens the identity provider issued to the CLI's public client (`appstore login --sso`): JWTs
// verified against the provider's keys (signature, issuer, audience = OIDC_API_AUDIENCE, expiry) and issued to
// OIDC_CLI_CLIENT_ID. The token's subject must be linked to a portal user (a first browser sign-in links it);
// that user, read from the database, is the caller, exactly as for the portal's own API tokens.
import 'server-only';
import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { User } from '@/db/schema';
import { oidcSettings, userOfSubject, type OidcSettings } from './oidc';
import { discover, refreshRolesIfDue } from './oidc-session';

/** Which client a JWT access token was issued to: RFC 9068 `client_id`, else `azp` (Keycloak) or `appid` (Azure AD v1). */
function clientOf(payload: JWTPayload): unknown {
  return payload.client_id ?? payload.azp ?? payload.appid;
}

/** The verified claims of a provider access token for the CLI client, or null (any failure). */
export async function verifyProviderAccessToken(
  token: string,
  expect: { issuer: string; audience: string; clientId: string; keys: JWTVerifyGetKey },
): Promise<JWTPayload | null> {
  try {
    const { payload } = await jwtVerify(token, expect.keys, {
      issuer: expect.issuer,
      audience: expect.audience,
      requiredClaims: ['sub', 'exp'],
      algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'],
    });
    return clientOf(payload) === expect.clientId ? payload : null;
  } catch {
    return null;
  }
}

let keySet: { jwksUri: string; keys: JWTVerifyGetKey } | null = null;

async function providerKeys(settings: OidcSettings): Promise<JWTVerifyGetKey | null> {
  const as = await discover(settings);
  if (!as.jwks_uri) return null;
  if (keySet?.jwksUri !== as.jwks_uri) keySet = { jwksUri: as.jwks_uri, keys: createRemoteJWKSet(new URL(as.jwks_uri)) };
  return keySet.keys;
}

/** Looks like a JWT from the configured issuer (cheap check before any network). */
function fromIssuer(token: string, issuer: string): boolean {
  if (token.length > 8192 || token.split('.').length !== 3) return false;
  try {
    return decodeJwt(token).iss === issuer;
  } catch {
    return false;
  }
}

/** The portal user a provider access token stands for, or null when it is not one the portal accepts. */
export async function userForProviderToken(token: string): Promise<User | null> {
  const settings = oidcSettings();
  if (!settings?.cli || !fromIssuer(token, settings.issuer)) return null;
  let keys: JWTVerifyGetKey | null;
  try {
    keys = await providerKeys(settings);
  } catch {
    return null; // provider unreachable: its tokens cannot be checked, so they are not accepted
  }
  if (!keys) return null;
  const claims = await verifyProviderAccessToken(token, { issuer: settings.issuer, audience: settings.cli.audience, clientId: settings.cli.clientId, keys });
  if (!claims?.sub) return null;
  const user = userOfSubject(settings, claims.sub);
  if (!user) return null;
  await refreshRolesIfDue(user.id);
  return userOfSubject(settings, claims.sub);
}
