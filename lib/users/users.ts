// User accounts: the queries and writes, returning plain objects without password hashes.
import 'server-only';
import { randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/db';
import { users, type User } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { hashPassword, MIN_PASSWORD_LENGTH } from '@/lib/auth/password';
import { isUniqueViolation, unlessBusy } from '@/db/errors';

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

export function listUsers(): PublicUser[] {
  return getDb().select().from(users).orderBy(asc(users.email)).all().map(toPublicUser);
}

export function getUser(id: string): PublicUser | null {
  const row = getDb().select().from(users).where(eq(users.id, id)).get();
  return row ? toPublicUser(row) : null;
}

/** Internal: includes the password hash, for sign-in only. */
export function findUserWithSecretsByEmail(email: string): User | undefined {
  return getDb().select().from(users).where(eq(users.email, normalizeEmail(email))).get();
}

export async function createUser(input: NewUserInput): Promise<PublicUser> {
  const passwordHash = await hashPassword(input.password);
  const db = getDb();
  const id = randomUUID();
  try {
    db.insert(users)
      .values({ id, email: input.email, name: input.name, passwordHash, roles: input.roles, isAdmin: input.isAdmin })
      .run();
  } catch (e) {
    if (isUniqueViolation(e)) {
      throw new AppError('CONFLICT', `A user with e-mail ${input.email} already exists.`, [
        { path: 'email', message: 'This e-mail address is already used.' },
      ]);
    }
    throw e;
  }
  return getUser(id)!;
}

export async function updateUser(id: string, patch: UserPatch, actorId: string): Promise<PublicUser> {
  const existing = getUser(id);
  if (!existing) throw new AppError('NOT_FOUND', 'No such user.');
  if (id === actorId && (patch.isAdmin === false || patch.disabled === true)) {
    throw new AppError('INVALID_INPUT', 'You cannot remove your own admin rights or disable yourself.', [
      { path: patch.disabled ? 'disabled' : 'isAdmin', message: 'Ask another admin to do this.' },
    ]);
  }
  const { password, ...rest } = patch;
  const set: Partial<User> = { ...rest };
  if (password !== undefined) set.passwordHash = await hashPassword(password);
  if (Object.keys(set).length > 0) getDb().update(users).set(set).where(eq(users.id, id)).run();
  return getUser(id)!;
}

const LAST_SEEN_RESOLUTION_MS = 60_000;

export function touchLastSeen(user: Pick<User, 'id' | 'lastSeenAt'>, now = Date.now()): void {
  if (user.lastSeenAt && now - user.lastSeenAt.getTime() < LAST_SEEN_RESOLUTION_MS) return;
  unlessBusy(() => getDb().update(users).set({ lastSeenAt: new Date(now) }).where(eq(users.id, user.id)).run());
}
