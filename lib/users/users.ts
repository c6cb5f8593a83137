// User accounts: the queries and writes, returning plain objects without password hashes.
import 'server-only';
import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/db';
import { users, type User } from '@/db/schema';
import { API_PAGE_MAX, type Paging } from '@/lib/api/paging';
import { writeAudit } from '@/lib/audit/audit';
import { canManageUsers, selfChangeRefusal, type Viewer } from '@/lib/auth/policy';
import { AppError, forbidden, notFound } from '@/lib/errors';
import { hashPassword, MIN_PASSWORD_LENGTH } from '@/lib/auth/password';
import { revokeSessions, revokeTokens } from '@/lib/auth/revocation';
import { isUniqueViolation, unlessBusy } from '@/db/errors';
import { dueForTouch } from '@/lib/format';
import { clampPage, containsPattern, pageCountOf } from '@/lib/list-params';

export type PublicUser = Omit<User, 'passwordHash' | 'oidcSubject'>;

export function toPublicUser(user: User): PublicUser {
  const { passwordHash: _hash, oidcSubject: _sub, ...rest } = user;
  return rest;
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

const role = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, 'Roles are letters, digits and . _ : -, starting with a letter or digit.');

export const roleList = z.array(role).max(100).transform((r) => [...new Set(r)]);

/** Accepts `a, b c` text from a form or an array from the API. */
export const rolesInput = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(/[\s,]+/).filter(Boolean) : v),
  roleList,
);

export const newUserSchema = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email('Enter a valid e-mail address.')).pipe(z.string().max(254)),
  name: z.string().trim().min(1, 'Enter a name.').max(200),
  password: z.string().min(MIN_PASSWORD_LENGTH, `Passwords have at least ${MIN_PASSWORD_LENGTH} characters.`).max(200),
  roles: rolesInput.optional().default([]),
  isAdmin: z.boolean().optional().default(false),
});
export type NewUserInput = z.infer<typeof newUserSchema>;

export const userPatchSchema = z
  .object({
    name: z.string().trim().min(1, 'Enter a name.').max(200),
    password: z.string().min(MIN_PASSWORD_LENGTH, `Passwords have at least ${MIN_PASSWORD_LENGTH} characters.`).max(200),
    roles: rolesInput,
    isAdmin: z.boolean(),
    disabled: z.boolean(),
  })
  .partial()
  .strict();
export type UserPatch = z.infer<typeof userPatchSchema>;

/** One page of the user accounts, by e-mail (unique, so pages never overlap or skip). */
export function listUsers(paging: Paging): PublicUser[] {
  return getDb().select().from(users).orderBy(asc(users.email)).limit(Math.min(paging.limit, API_PAGE_MAX)).offset(paging.offset).all().map(toPublicUser);
}

/** How the administrators' Users page orders its rows. */
export const USER_LIST_SORTS = ['email', 'name', 'last-seen', 'newest'] as const;
export type UserListSort = (typeof USER_LIST_SORTS)[number];

export interface UserQuery {
  /** Matches e-mail, name and roles anywhere, ignoring letter case. */
  search?: string;
  /** Only administrators, only disabled accounts, or only active (not disabled) ones. */
  status?: 'admin' | 'disabled' | 'active';
  sort: UserListSort;
  page: number;
  pageSize: number;
}

/** One page of the user accounts for the Users page; administrators only. */
export function searchUsers(viewer: Viewer, q: UserQuery): { users: PublicUser[]; total: number; page: number; pageCount: number } {
  if (!canManageUsers(viewer)) throw forbidden('Only administrators may list users.');
  const db = getDb();
  const conditions: SQL[] = [];
  if (q.search) {
    const pattern = containsPattern(q.search);
    const like = (column: SQL) => sql`${column} LIKE ${pattern} ESCAPE '\\'`;
    conditions.push(or(like(sql`${users.email}`), like(sql`${users.name}`), like(sql`${users.roles}`))!);
  }
  if (q.status === 'admin') conditions.push(eq(users.isAdmin, true));
  if (q.status === 'disabled') conditions.push(eq(users.disabled, true));
  if (q.status === 'active') conditions.push(eq(users.disabled, false));
  const where = conditions.length > 0 ? and(...conditions) : undefined;
  const total = db.select({ n: sql<number>`count(*)` }).from(users).where(where).get()?.n ?? 0;
  const page = clampPage(q.page, total, q.pageSize);
  const order: Record<UserListSort, SQL[]> = {
    email: [asc(users.email)],
    name: [sql`${users.name} COLLATE NOCASE ASC`, asc(users.email)],
    // Never seen last.
    'last-seen': [sql`${users.lastSeenAt} IS NULL`, desc(users.lastSeenAt), asc(users.email)],
    newest: [desc(users.createdAt), asc(users.email)],
  };
  const rows = db
    .select()
    .from(users)
    .where(where)
    .orderBy(...order[q.sort])
    .limit(q.pageSize)
    .offset((page - 1) * q.pageSize)
    .all();
  return { users: rows.map(toPublicUser), total, page, pageCount: pageCountOf(total, q.pageSize) };
}

export function getUser(id: string): PublicUser | null {
  const row = getDb().select().from(users).where(eq(users.id, id)).get();
  return row ? toPublicUser(row) : null;
}

/** Internal: includes the password hash, for sign-in only. */
export function findUserWithSecretsByEmail(email: string): User | undefined {
  return getDb().select().from(users).where(eq(users.email, normalizeEmail(email))).get();
}

const emailTaken = (email: string) =>
  new AppError('CONFLICT', `A user with e-mail ${email} already exists.`, [{ path: 'email', message: 'This e-mail address is already used.' }]);

/** Creates a user; administrators only, recorded in the audit log in the same transaction. */
export async function createUser(viewer: Viewer, input: NewUserInput): Promise<PublicUser> {
  if (!canManageUsers(viewer)) throw forbidden('Only administrators may create users.');
  const passwordHash = await hashPassword(input.password);
  const id = randomUUID();
  try {
    getDb().transaction(
      (tx) => {
        tx.insert(users)
          .values({ id, email: input.email, name: input.name, passwordHash, roles: input.roles, isAdmin: input.isAdmin })
          .run();
        writeAudit(tx, {
          actorId: viewer.id,
          action: 'user.create',
          targetType: 'user',
          targetId: id,
          details: { email: input.email, name: input.name, roles: input.roles, isAdmin: input.isAdmin },
        });
      },
      { behavior: 'immediate' },
    );
  } catch (e) {
    if (isUniqueViolation(e)) throw emailTaken(input.email);
    throw e;
  }
  return getUser(id)!;
}

/**
 * Changes a user; administrators only, never their own admin flag or disabled flag (lib/auth/policy.ts).
 * The audit row lists each changed field (a new password as "changed", never a hash) in the same transaction.
 * Setting a password or disabling the account ends every session of the user and revokes their API tokens.
 */
export async function updateUser(viewer: Viewer, id: string, patch: UserPatch): Promise<PublicUser> {
  if (!canManageUsers(viewer)) throw forbidden('Only administrators may change users.');
  const refused = selfChangeRefusal(viewer, id, patch);
  if (refused) throw new AppError('INVALID_INPUT', 'You cannot remove your own admin rights or disable yourself.', [refused]);
  const { password, ...fields } = patch;
  const passwordHash = password === undefined ? undefined : await hashPassword(password);
  getDb().transaction(
    (tx) => {
      const existing = tx.select().from(users).where(eq(users.id, id)).get();
      if (!existing) throw notFound('No such user.');
      const changes: Record<string, { from: unknown; to: unknown } | 'changed'> = {};
      for (const [field, to] of Object.entries(fields) as [keyof typeof fields, unknown][]) {
        const from = existing[field];
        if (to !== undefined && JSON.stringify(from) !== JSON.stringify(to)) changes[field] = { from, to };
      }
      if (passwordHash !== undefined) changes.password = 'changed';
      if (Object.keys(changes).length === 0) return;
      tx.update(users)
        .set({ ...fields, ...(passwordHash === undefined ? {} : { passwordHash }) })
        .where(eq(users.id, id))
        .run();
      const sessionsRevoked = passwordHash !== undefined || (fields.disabled === true && !existing.disabled);
      if (sessionsRevoked) {
        revokeSessions(tx, id);
        revokeTokens(tx, id);
      }
      writeAudit(tx, {
        actorId: viewer.id,
        action: 'user.update',
        targetType: 'user',
        targetId: id,
        details: { email: existing.email, changes, ...(sessionsRevoked ? { sessionsRevoked } : {}) },
      });
    },
    { behavior: 'immediate' },
  );
  return getUser(id)!;
}

export function touchLastSeen(user: Pick<User, 'id' | 'lastSeenAt'>, now = Date.now()): void {
  if (!dueForTouch(user.lastSeenAt, now)) return;
  unlessBusy(() => getDb().update(users).set({ lastSeenAt: new Date(now) }).where(eq(users.id, user.id)).run());
}
