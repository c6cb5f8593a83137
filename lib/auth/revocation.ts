// Ending sessions and API tokens. Every session carries its user's session version (lib/auth/session-claim.ts);
// bumping the version ends every session issued before, on the next request. Which events end what
// (README "Sessions and their revocation"):
//   sign-out                           → every session of the user (tokens stay: they are the CLI's)
//   "Sign out everywhere"              → every session and every API token (the provider's access tokens too)
//   password set by an administrator   → every session and every API token (ADMIN_PASSWORD too, when it changes)
//   account disabled                   → every session and every API token (re-enabling brings none back)
import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { getDb, type Queryable } from '@/db';
import { apiTokens, users } from '@/db/schema';
import { writeAudit } from '@/lib/audit/audit';
import type { Viewer } from './policy';
import type { SessionClaim } from './session-claim';

/** Ends every session of the user issued so far (inside the caller's transaction). */
export function revokeSessions(tx: Queryable, userId: string): void {
  tx.update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
    .where(eq(users.id, userId))
    .run();
}

/**
 * Deletes every API token of the user and refuses the identity provider's access tokens issued so far
 * (`appstore login --sso`, lib/auth/provider-tokens.ts); answers how many portal tokens there were.
 */
export function revokeTokens(tx: Queryable, userId: string, at = new Date()): number {
  tx.update(users).set({ tokensRevokedAt: at }).where(eq(users.id, userId)).run();
  return tx.delete(apiTokens).where(eq(apiTokens.userId, userId)).run().changes;
}

/**
 * Sign-out: ends every session of the user, when the signing-out session is still current (a session that
 * was already ended cannot end the sessions opened after it).
 */
export function endSessionsFrom(claim: SessionClaim): void {
  getDb()
    .update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
    .where(and(eq(users.id, claim.userId), eq(users.sessionVersion, claim.version)))
    .run();
}

/** "Sign out everywhere": every session and API token of the viewer, recorded in the audit log. */
export function signOutEverywhere(viewer: Viewer): { tokensRevoked: number } {
  return getDb().transaction(
    (tx) => {
      revokeSessions(tx, viewer.id);
      const tokensRevoked = revokeTokens(tx, viewer.id);
      writeAudit(tx, {
        actorId: viewer.id,
        action: 'user.sign-out-everywhere',
        targetType: 'user',
        targetId: viewer.id,
        details: { email: viewer.email, tokensRevoked },
      });
      return { tokensRevoked };
    },
    { behavior: 'immediate' },
  );
}
