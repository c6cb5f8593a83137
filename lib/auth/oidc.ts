// Signing in through an OpenID Connect identity provider: configuration from the environment, and
// turning the provider's verified claims into a portal user (created, linked or updated on every sign-in).
// The provider is authoritative for the roles (and admin flag) of the users who sign in through it.
import 'server-only';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { getDb, type Queryable } from '@/db';
import { users, type User } from '@/db/schema';
import { writeAudit } from '@/lib/audit/audit';
import { config, type OidcConfig } from '@/lib/config';

export type OidcSettings = OidcConfig;

export function oidcSettings(): OidcSettings | null {
  return config().oidc;
}

/** The value at a dotted claim path (`realm_access.roles`), or undefined when the claims do not hold it. */
function claimAt(claims: Record<string, unknown>, claimPath: string): unknown {
  let value: unknown = claims;
  for (const part of claimPath.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Whether the claims hold the claim path at all: a token without it states nothing about roles. */
export function hasClaim(claims: Record<string, unknown>, claimPath: string): boolean {
  return claimAt(claims, claimPath) !== undefined;
}

/** Reads a dotted claim path (`realm_access.roles`) as a list of strings; anything else is no roles. */
export function rolesFromClaims(claims: Record<string, unknown>, claimPath: string): string[] {
  const value = claimAt(claims, claimPath);
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  if (!Array.isArray(value)) return [];
  return [...new Set(value.filter((v): v is string => typeof v === 'string' && v.length > 0 && v.length <= 64))];
}

/**
 * The identity the claims are about: the string at `claim` (OIDC_SUBJECT_CLAIM, `sub` unless the provider's
 * `sub` differs per application, as Azure AD's does, whose `oid` does not), or null.
 */
export function subjectClaimOf(claims: Record<string, unknown>, claim: string): string | null {
  const value = Object.hasOwn(claims, claim) ? claims[claim] : undefined;
  return typeof value === 'string' && value.length > 0 && value.length <= 255 ? value : null;
}

/** Why a provider identity may not sign in; each has a message on /login (lib/auth/oidc-errors.ts). */
export type OidcRefusal = 'OidcTokenInvalid' | 'OidcNoSubject' | 'OidcNoEmail' | 'OidcEmailUnverified' | 'OidcLinkedElsewhere' | 'AccountDisabled';

export type OidcSignIn = { ok: true; user: User } | { ok: false; reason: OidcRefusal };

/** What the claims say about the user: roles, admin flag and name. */
function claimedProfile(claims: Record<string, unknown>, settings: OidcSettings, email: string) {
  const roles = rolesFromClaims(claims, settings.rolesClaim);
  const name =
    (typeof claims.name === 'string' && claims.name.trim().slice(0, 200)) ||
    (typeof claims.preferred_username === 'string' && claims.preferred_username.slice(0, 200)) ||
    email;
  return { roles, isAdmin: roles.includes(settings.adminRole), name };
}

export const subjectOf = (settings: Pick<OidcSettings, 'issuer'>, sub: string) => `${settings.issuer}|${sub}`;

/**
 * The portal user for a provider identity (its id_token claims, already verified). An identity signs in as
 * the user it is linked to; a new identity whose e-mail matches an existing account is linked to it only when
 * the provider says the e-mail is verified (otherwise anyone able to set that address at the provider would
 * take the account over); an unknown e-mail makes a new user. Disabled users are refused.
 */
export function signInWithOidc(claims: Record<string, unknown>, settings: OidcSettings): OidcSignIn {
  const sub = subjectClaimOf(claims, settings.subjectClaim);
  const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
  if (!sub) return { ok: false, reason: 'OidcNoSubject' };
  if (!email || email.length > 254) return { ok: false, reason: 'OidcNoEmail' };
  const subject = subjectOf(settings, sub);
  const profile = claimedProfile(claims, settings, email);
  return getDb().transaction(
    (tx): OidcSignIn => {
      const linked = tx.select().from(users).where(eq(users.oidcSubject, subject)).get();
      if (linked) {
        if (linked.disabled) return { ok: false, reason: 'AccountDisabled' };
        return { ok: true, user: updateFromClaims(tx, linked, profile) };
      }
      const sameEmail = tx.select().from(users).where(eq(users.email, email)).get();
      if (sameEmail) {
        if (sameEmail.oidcSubject) return { ok: false, reason: 'OidcLinkedElsewhere' };
        if (claims.email_verified !== true) return { ok: false, reason: 'OidcEmailUnverified' };
        if (sameEmail.disabled) return { ok: false, reason: 'AccountDisabled' };
        tx.update(users).set({ oidcSubject: subject }).where(eq(users.id, sameEmail.id)).run();
        writeAudit(tx, {
          actorId: sameEmail.id,
          action: 'user.update',
          targetType: 'user',
          targetId: sameEmail.id,
          details: { email, linkedTo: settings.issuer },
        });
        return { ok: true, user: updateFromClaims(tx, sameEmail, profile) };
      }
      const id = randomUUID();
      tx.insert(users).values({ id, email, oidcSubject: subject, ...profile }).run();
      writeAudit(tx, { actorId: id, action: 'user.create', targetType: 'user', targetId: id, details: { email, via: settings.issuer } });
      return { ok: true, user: tx.select().from(users).where(eq(users.id, id)).get()! };
    },
    { behavior: 'immediate' },
  );
}

function updateFromClaims(tx: Queryable, user: User, profile: { roles: string[]; isAdmin: boolean; name: string }): User {
  tx.update(users).set(profile).where(eq(users.id, user.id)).run();
  return { ...user, ...profile };
}

/**
 * The roles the provider states now (claims of a refreshed id_token) for an already linked user. Answers
 * false when the claims are not this user's (another subject), so the caller ends the user's sessions.
 */
export function applyRefreshedClaims(userId: string, claims: Record<string, unknown>, settings: OidcSettings): boolean {
  const sub = subjectClaimOf(claims, settings.subjectClaim) ?? '';
  return getDb().transaction(
    (tx) => {
      const user = tx.select().from(users).where(eq(users.id, userId)).get();
      if (!user || user.oidcSubject !== subjectOf(settings, sub)) return false;
      updateFromClaims(tx, user, claimedProfile(claims, settings, user.email));
      return true;
    },
    { behavior: 'immediate' },
  );
}

/** The user an identity of the configured provider is linked to (for the CLI's provider access tokens). */
export function userOfSubject(settings: Pick<OidcSettings, 'issuer'>, sub: string): User | null {
  return getDb().select().from(users).where(eq(users.oidcSubject, subjectOf(settings, sub))).get() ?? null;
}
