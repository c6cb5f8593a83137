// Personal API tokens: random, shown once, stored as SHA-256 hashes.
import 'server-only';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { apiTokens, users, type User } from '@/db/schema';
import { unlessBusy } from '@/db/errors';
import { dueForTouch } from '@/lib/format';
import { writeAudit } from '@/lib/audit/audit';

const PREFIX = 'ast_';

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Creates a token for the user, with its audit entry (the user is the actor). */
export function issueToken(userId: string, name: string): { id: string; token: string } {
  const token = PREFIX + randomBytes(32).toString('base64url');
  const id = randomUUID();
  const row = { id, userId, name: name.slice(0, 100) || 'API token', tokenHash: hashToken(token), prefix: token.slice(0, 10) };
  const db = getDb();
  db.transaction((tx) => {
    tx.insert(apiTokens).values(row).run();
    writeAudit(tx, { actorId: userId, action: 'token.create', targetType: 'token', targetId: id, details: { name: row.name, prefix: row.prefix } });
  });
  return { id, token };
}

/** The user a token belongs to, or null for an unknown or revoked token. */
export function userForToken(token: string): User | null {
  if (!token.startsWith(PREFIX) || token.length > 200) return null;
  const db = getDb();
  const row = db
    .select({ user: users, tokenId: apiTokens.id, lastUsedAt: apiTokens.lastUsedAt })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(eq(apiTokens.tokenHash, hashToken(token)))
    .get();
  if (!row) return null;
  const now = Date.now();
  if (dueForTouch(row.lastUsedAt, now)) {
    unlessBusy(() => db.update(apiTokens).set({ lastUsedAt: new Date(now) }).where(eq(apiTokens.id, row.tokenId)).run());
  }
  return row.user;
}

export function listTokens(userId: string) {
  return getDb()
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
    })
    .from(apiTokens)
    .where(eq(apiTokens.userId, userId))
    .orderBy(desc(apiTokens.createdAt))
    .all();
}

/** Revokes one of the user's own tokens; false when it is not theirs or does not exist. */
export function revokeToken(userId: string, tokenId: string): boolean {
  return getDb().transaction((tx) => {
    const mine = and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId));
    const token = tx.select({ name: apiTokens.name, prefix: apiTokens.prefix }).from(apiTokens).where(mine).get();
    if (!token) return false;
    tx.delete(apiTokens).where(mine).run();
    writeAudit(tx, { actorId: userId, action: 'token.revoke', targetType: 'token', targetId: tokenId, details: { ...token } });
    return true;
  });
}
