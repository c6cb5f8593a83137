// Secrets: create, list, change and delete, with authorization checked here where data is read and
// written. Everything returned is fit to show: names, keys and dates; a value never leaves this module.
import 'server-only';
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, or } from 'drizzle-orm';
import { getDb, type Tx } from '@/db';
import { secrets, secretValues, users, type Secret, type SecretVisibility } from '@/db/schema';
import { writeAudit, type AuditAction } from '@/lib/audit/audit';
import type { Viewer } from '@/lib/auth/policy';
import { AppError, forbidden } from '@/lib/errors';
import { seal } from './crypto';
import type { NewSecretInput, SecretPatch } from './input';
import { canCreateSecret, canEditSecret, canSeeSecret, secretScope } from './policy';
import { appsNamingSecret, describeReferences } from './references';

export interface SecretKeyInfo {
  key: string;
  updatedAt: Date;
}

export interface SecretSummary {
  id: string;
  name: string;
  visibility: SecretVisibility;
  appName: string | null;
  owner: { id: string; name: string };
  keys: SecretKeyInfo[];
  createdAt: Date;
  updatedAt: Date;
}

/** The one message for a secret that does not exist and one the viewer may not see. */
export const secretNotFound = (name: string) => new AppError('NOT_FOUND', `No secret named "${name}" is visible to you.`);

const metadataColumns = {
  id: secrets.id,
  name: secrets.name,
  visibility: secrets.visibility,
  appName: secrets.appName,
  ownerId: secrets.ownerId,
  scope: secrets.scope,
  createdAt: secrets.createdAt,
  updatedAt: secrets.updatedAt,
};

/** Keys of the given secrets; only `key` and `updatedAt` are ever selected from secret_values here. */
function keysOf(ids: string[]): Map<string, SecretKeyInfo[]> {
  const out = new Map<string, SecretKeyInfo[]>();
  if (ids.length === 0) return out;
  const rows = getDb()
    .select({ secretId: secretValues.secretId, key: secretValues.key, updatedAt: secretValues.updatedAt })
    .from(secretValues)
    .where(inArray(secretValues.secretId, ids))
    .orderBy(asc(secretValues.key))
    .all();
  for (const row of rows) {
    const list = out.get(row.secretId) ?? [];
    list.push({ key: row.key, updatedAt: row.updatedAt });
    out.set(row.secretId, list);
  }
  return out;
}

function summarize(rows: Secret[]): SecretSummary[] {
  const keys = keysOf(rows.map((r) => r.id));
  const ownerIds = [...new Set(rows.map((r) => r.ownerId))];
  const owners = new Map(
    ownerIds.length
      ? getDb()
          .select({ id: users.id, name: users.name })
          .from(users)
          .where(inArray(users.id, ownerIds))
          .all()
          .map((u) => [u.id, u])
      : [],
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    visibility: r.visibility,
    appName: r.appName,
    owner: owners.get(r.ownerId) ?? { id: r.ownerId, name: 'unknown' },
    keys: keys.get(r.id) ?? [],
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  }));
}

const ORDER = [asc(secrets.name), asc(secrets.scope)];

/** What /my-secrets shows: the viewer's PRIVATE secrets and the ALL_USERS ones (none for visitors). */
export function listMySecrets(viewer: Viewer): { own: SecretSummary[]; shared: SecretSummary[] } {
  if (!viewer.fullAccess) throw forbidden('Your account has visitor access only.');
  const rows = getDb()
    .select(metadataColumns)
    .from(secrets)
    .where(
      or(
        eq(secrets.scope, secretScope('PRIVATE', viewer.id)),
        and(eq(secrets.scope, 'shared'), eq(secrets.visibility, 'ALL_USERS')),
      ),
    )
    .orderBy(...ORDER)
    .all();
  const all = summarize(rows);
  return { own: all.filter((s) => s.visibility === 'PRIVATE'), shared: all.filter((s) => s.visibility !== 'PRIVATE') };
}

/** Every secret the viewer may see (admins: all of them). */
export function listVisibleSecrets(viewer: Viewer): SecretSummary[] {
  if (!viewer.fullAccess) throw forbidden('Your account has visitor access only.');
  const rows = getDb().select(metadataColumns).from(secrets).orderBy(...ORDER).all();
  return summarize(rows.filter((r) => canSeeSecret(viewer, r)));
}

export type ScopeChoice = 'private' | 'shared';

/**
 * A secret by name as the API names it: the viewer's own PRIVATE secret first, then the shared one
 * (ALL_USERS or APP), as imports resolve names; `scope` picks one of the two.
 */
export function findSecretByName(viewer: Viewer, name: string, scope?: ScopeChoice): Secret {
  if (!viewer.fullAccess) throw forbidden('Your account has visitor access only.');
  const scopes = scope === 'private' ? ['private'] : scope === 'shared' ? ['shared'] : ['private', 'shared'];
  for (const s of scopes) {
    const row = getDb()
      .select(metadataColumns)
      .from(secrets)
      .where(and(eq(secrets.name, name), eq(secrets.scope, s === 'private' ? secretScope('PRIVATE', viewer.id) : 'shared')))
      .get();
    if (row && canSeeSecret(viewer, row)) return row;
  }
  throw secretNotFound(name);
}

/** A secret by id (the admin page names other users' PRIVATE secrets this way). */
export function findSecretById(viewer: Viewer, id: string): Secret {
  const row = getDb().select(metadataColumns).from(secrets).where(eq(secrets.id, id)).get();
  if (!row || !canSeeSecret(viewer, row)) throw new AppError('NOT_FOUND', 'No such secret is visible to you.');
  return row;
}

export function summarizeSecret(secret: Secret): SecretSummary {
  return summarize([secret])[0];
}

function audit(tx: Tx, actor: Viewer, action: AuditAction, secret: Secret, details: Record<string, unknown>) {
  writeAudit(tx, {
    actorId: actor.id,
    action,
    targetType: 'secret',
    targetId: secret.id,
    details: { name: secret.name, visibility: secret.visibility, ...details },
  });
}

export function createSecret(viewer: Viewer, input: NewSecretInput): SecretSummary {
  if (!canCreateSecret(viewer, input.visibility)) {
    throw forbidden(
      viewer.fullAccess ? 'Only administrators create ALL_USERS and APP secrets.' : 'Your account has visitor access only.',
    );
  }
  const now = new Date();
  const row: Secret = {
    id: randomUUID(),
    name: input.name,
    ownerId: viewer.id,
    visibility: input.visibility,
    appName: input.visibility === 'APP' ? (input.appName ?? null) : null,
    scope: secretScope(input.visibility, viewer.id),
    createdAt: now,
    updatedAt: now,
  };
  // Encrypt first: the transaction below stays synchronous.
  const sealed = Object.entries(input.values).map(([key, value]) => ({ key, ...seal(row.id, key, value) }));
  const db = getDb();
  db.transaction(
    (tx) => {
      const taken = tx
        .select({ id: secrets.id })
        .from(secrets)
        .where(and(eq(secrets.scope, row.scope), eq(secrets.name, row.name)))
        .get();
      if (taken) {
        throw new AppError('CONFLICT', `A secret named "${row.name}" already exists${row.visibility === 'PRIVATE' ? ' among yours' : ''}.`, [
          { path: 'name', message: 'This name is taken; choose another or change the existing secret.' },
        ]);
      }
      tx.insert(secrets).values(row).run();
      for (const v of sealed) tx.insert(secretValues).values({ secretId: row.id, updatedAt: now, ...v }).run();
      audit(tx, viewer, 'secret.create', row, { keys: sealed.map((v) => v.key).sort() });
    },
    { behavior: 'immediate' },
  );
  return summarizeSecret(row);
}

/** Sets (adds or replaces) and removes keys; a key an imported app names cannot be removed. */
export function updateSecret(viewer: Viewer, secret: Secret, patch: SecretPatch): SecretSummary {
  if (!canEditSecret(viewer, secret)) throw forbidden('Only the owner of this secret or an administrator may change it.');
  const now = new Date();
  const sealed = Object.entries(patch.set).map(([key, value]) => ({ key, ...seal(secret.id, key, value) }));
  const db = getDb();
  db.transaction(
    (tx) => {
      const existing = new Set(
        tx.select({ key: secretValues.key }).from(secretValues).where(eq(secretValues.secretId, secret.id)).all().map((r) => r.key),
      );
      const missing = patch.remove.filter((k) => !existing.has(k));
      if (missing.length) {
        throw new AppError('INVALID_INPUT', `Secret "${secret.name}" has no key ${missing.map((k) => `"${k}"`).join(', ')}.`, [
          { path: 'remove', message: `No such key: ${missing.join(', ')}.` },
        ]);
      }
      if (patch.remove.length) {
        const inUse = appsNamingSecret(secret).filter((r) => r.keys.some((k) => patch.remove.includes(k)));
        if (inUse.length) {
          throw new AppError('CONFLICT', `Key still named by imported apps: ${describeReferences(inUse)}. Delete those app versions first.`);
        }
        tx.delete(secretValues)
          .where(and(eq(secretValues.secretId, secret.id), inArray(secretValues.key, patch.remove)))
          .run();
      }
      for (const v of sealed) {
        tx.insert(secretValues)
          .values({ secretId: secret.id, updatedAt: now, ...v })
          .onConflictDoUpdate({
            target: [secretValues.secretId, secretValues.key],
            set: { iv: v.iv, ciphertext: v.ciphertext, authTag: v.authTag, updatedAt: now },
          })
          .run();
      }
      tx.update(secrets).set({ updatedAt: now }).where(eq(secrets.id, secret.id)).run();
      audit(tx, viewer, 'secret.update', secret, { set: sealed.map((v) => v.key).sort(), removed: [...patch.remove].sort() });
    },
    { behavior: 'immediate' },
  );
  return summarizeSecret({ ...secret, updatedAt: now });
}

/** Deletes a secret, unless an imported app still names it: then the refusal lists those apps. */
export function deleteSecret(viewer: Viewer, secret: Secret): void {
  if (!canEditSecret(viewer, secret)) throw forbidden('Only the owner of this secret or an administrator may delete it.');
  getDb().transaction(
    (tx) => {
      const refs = appsNamingSecret(secret);
      if (refs.length) {
        throw new AppError(
          'CONFLICT',
          `Secret "${secret.name}" is still named by imported apps: ${describeReferences(refs)}. Delete those app versions first.`,
        );
      }
      tx.delete(secrets).where(eq(secrets.id, secret.id)).run();
      audit(tx, viewer, 'secret.delete', secret, {});
    },
    { behavior: 'immediate' },
  );
}
