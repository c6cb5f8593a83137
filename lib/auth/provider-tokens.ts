// Access tokens the identity provider issued to the CLI's public client (`appstore login --sso`): JWTs
// verified against the provider's keys (signature, issuer, audience = OIDC_API_AUDIENCE, expiry) and issued to
// OIDC_CLI_CLIENT_ID. The token's subject (OIDC_CLI_SUBJECT_CLAIM) must be linked to a portal user (a first
// browser sign-in links it); that user, read from the database, is the caller, exactly as for the portal's own
// API tokens. Tokens issued before the user's API tokens were last revoked are refused, and a token that
// states the roles (OIDC_ROLES_CLAIM) is the provider's word on them for its request.
import 'server-only';
import { decodeJwt, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { User } from '@/db/schema';
import { hasClaim, oidcSettings, rolesFromClaims, subjectClaimOf, userOfSubject, type OidcSettings } from './oidc';
import { providerKeys, SIGNING_ALGORITHMS } from './oidc-discovery';
import { refreshRolesIfDue } from './oidc-session';

/**
 * Which client a JWT access token was issued to: RFC 9068 `client_id`, else `cid` (Okta), `azp` (Keycloak,
 * Azure AD v2) or `appid` (Azure AD v1).
 */
function clientOf(payload: JWTPayload): unknown {
  return payload.client_id ?? payload.cid ?? payload.azp ?? payload.appid;
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
      requiredClaims: ['sub', 'exp', 'iat'],
      algorithms: SIGNING_ALGORITHMS,
    });
    return clientOf(payload) === expect.clientId ? payload : null;
  } catch {
    return null;
  }
}

/**
 * The caller a verified access token stands for, given the user its subject is linked to (or null): refused
 * when the token was issued before the user's tokens were revoked ("Sign out everywhere", password set,
 * account disabled; `iat` has whole seconds, so a token of the same second is refused too). When the token
 * carries the roles claim, its roles (and the admin flag they make) are the caller's for this request: the
 * provider states them at every token renewal, whether or not the user still has a browser grant to refresh.
 */
export function callerOfToken(claims: JWTPayload, user: User | null, settings: Pick<OidcSettings, 'rolesClaim' | 'adminRole'>): User | null {
  if (!user || typeof claims.iat !== 'number') return null;
  if (user.tokensRevokedAt && claims.iat * 1000 <= user.tokensRevokedAt.getTime()) return null;
  if (!hasClaim(claims, settings.rolesClaim)) return user;
  const roles = rolesFromClaims(claims, settings.rolesClaim);
  return { ...user, roles, isAdmin: roles.includes(settings.adminRole) };
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
  const subject = claims && subjectClaimOf(claims, settings.cli.subjectClaim);
  if (!claims || !subject) return null;
  const linked = userOfSubject(settings, subject);
  if (!linked) return null;
  // Without roles in the token, the user's browser grant (if any) keeps the stored roles current.
  if (!hasClaim(claims, settings.rolesClaim)) await refreshRolesIfDue(linked.id);
  return callerOfToken(claims, userOfSubject(settings, subject), settings);
}
