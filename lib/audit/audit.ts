// The audit log: who changed what and when (imports, app visibility and tags, app deletion, tags,
// secrets (names and keys, never values), runtime versions, users (never passwords), API tokens, instances,
// aliases, and sign-in lockouts (the account and address a throttle locked; no actor: nobody is signed in).
// Writes take the transaction of the change they record, so a change and its audit row commit together.
import 'server-only';
import { and, desc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { getDb, type Queryable } from '@/db';
import { auditLog, users } from '@/db/schema';

export type AuditAction =
  | 'app.import'
  | 'app.update'
  | 'app.delete'
  | 'tag.create'
  | 'tag.update'
  | 'tag.delete'
  | 'secret.create'
  | 'secret.update'
  | 'secret.delete'
  | 'runtime.create'
  | 'runtime.update'
  | 'runtime.status'
  | 'user.create'
  | 'user.update'
  | 'user.sign-out-everywhere'
  | 'token.create'
  | 'token.revoke'
  | 'instance.start'
  | 'instance.suspend'
  | 'instance.resume'
  | 'instance.terminate'
  | 'instance.update'
  | 'alias.create'
  | 'alias.assign'
  | 'alias.promote'
  | 'alias.unassign'
  | 'alias.delete'
  | 'sign-in.locked';
export type AuditTarget = 'app' | 'tag' | 'secret' | 'runtime_version' | 'user' | 'token' | 'instance' | 'alias' | 'sign_in';
export const AUDIT_TARGETS: readonly AuditTarget[] = ['app', 'tag', 'secret', 'runtime_version', 'user', 'token', 'instance', 'alias', 'sign_in'];

export interface AuditInput {
  actorId: string | null;
  action: AuditAction;
  targetType: AuditTarget;
  targetId: string;
  details: Record<string, unknown>;
}

export function writeAudit(writer: Queryable, entry: AuditInput): void {
  writer.insert(auditLog).values(entry).run();
}

export interface AuditRow {
  id: number;
  at: Date;
  action: string;
  targetType: string;
  targetId: string;
  details: Record<string, unknown>;
  actor: { id: string; name: string; email: string } | null;
}

export interface AuditQuery {
  /** Entries older than this id (pagination, newest first). */
  before?: number;
  targetType?: AuditTarget;
  targetId?: string;
  /** Part of the acting user's e-mail or name, any case. */
  actor?: string;
  /** The app Name of app and instance entries. */
  app?: string;
  /** Entries at or after `from` and before `to`. */
  from?: Date;
  to?: Date;
  limit?: number;
}

export function listAudit(query: AuditQuery = {}): AuditRow[] {
  const where: SQL[] = [];
  if (query.before) where.push(lt(auditLog.id, query.before));
  if (query.targetType) where.push(eq(auditLog.targetType, query.targetType));
  if (query.targetId) where.push(eq(auditLog.targetId, query.targetId));
  if (query.actor) {
    const pattern = `%${query.actor.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(sql`(lower(${users.email}) like ${pattern} escape '\\' or lower(${users.name}) like ${pattern} escape '\\')`);
  }
  if (query.app) {
    where.push(inArray(auditLog.targetType, ['app', 'instance']), sql`json_extract(${auditLog.details}, '$.name') = ${query.app}`);
  }
  if (query.from) where.push(gte(auditLog.at, query.from));
  if (query.to) where.push(lt(auditLog.at, query.to));
  const rows = getDb()
    .select({
      id: auditLog.id,
      at: auditLog.at,
      action: auditLog.action,
      targetType: auditLog.targetType,
      targetId: auditLog.targetId,
      details: auditLog.details,
      actorId: users.id,
      actorName: users.name,
      actorEmail: users.email,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(Math.min(Math.max(query.limit ?? 100, 1), 500))
    .all();
  return rows.map(({ actorId, actorName, actorEmail, ...row }) => ({
    ...row,
    actor: actorId ? { id: actorId, name: actorName!, email: actorEmail! } : null,
  }));
}
