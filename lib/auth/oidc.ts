// Signing in through an OpenID Connect identity provider: configuration from the environment, and
// turning the provider's claims into a portal user (created or updated on every sign-in).
import 'server-only';
import { randomUUID } from 'node:crypto';
import { eq, or } from 'drizzle-orm';
import { getDb } from '@/db';
import { users, type User } from '@/db/schema';
import { config, type OidcConfig } from '@/lib/config';

export type OidcSettings = OidcConfig;

export function oidcSettings(): OidcSettings | null {
  return config().oidc;
}

/** Reads a dotted claim path (`realm_access.roles`) as a list of strings; anything else is no roles. */
export function rolesFromClaims(claims: Record<string, unknown>, claimPath: string): string[] {
  let value: unknown = claims;
  for (const part of claimPath.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) return [];
    value = (value as Record<string, unknown>)[part];
  }
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  if (!Array.isArray(value)) return [];
  return [...new Set(value.filter((v): v is string => typeof v === 'string' && v.length > 0 && v.length <= 64))];
}

/** Creates or updates the user for an OIDC identity; roles and admin flag follow the claims. */
export function upsertOidcUser(claims: Record<string, unknown>, settings: OidcSettings): User {
  const sub = typeof claims.sub === 'string' ? claims.sub : null;
  const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : null;
  if (!sub || !email) throw new Error('The identity provider did not send a subject and an e-mail address.');
  const name =
    (typeof claims.name === 'string' && claims.name) ||
    (typeof claims.preferred_username === 'string' && claims.preferred_username) ||
    email;
  const roles = rolesFromClaims(claims, settings.rolesClaim);
  const isAdmin = roles.includes(settings.adminRole);
  const subject = `${settings.issuer}|${sub}`;
  const db = getDb();
  return db.transaction(
    (tx) => {
      const existing = tx
        .select()
        .from(users)
        .where(or(eq(users.oidcSubject, subject), eq(users.email, email)))
        .get();
      if (existing) {
        tx.update(users).set({ oidcSubject: subject, name, roles, isAdmin }).where(eq(users.id, existing.id)).run();
        return tx.select().from(users).where(eq(users.id, existing.id)).get()!;
      }
      const id = randomUUID();
      tx.insert(users).values({ id, email, name, roles, isAdmin, oidcSubject: subject }).run();
      return tx.select().from(users).where(eq(users.id, id)).get()!;
    },
    { behavior: 'immediate' },
  );
}
