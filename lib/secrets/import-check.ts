// The import-time rule for [[Env]] / [[File]] secret references: every non-optional reference must name a
// secret the importer may use (their own PRIVATE one, or an ALL_USERS one) holding the named key.
import 'server-only';
import { and, eq, or } from 'drizzle-orm';
import { getDb } from '@/db';
import { secrets, secretValues, type ValueDeclaration } from '@/db/schema';
import type { Viewer } from '@/lib/auth/policy';
import type { Problem } from '@/lib/errors';
import { unseal } from './crypto';
import { secretScope } from './policy';

/** The secret `name` as an app of `importer` reads it: their own PRIVATE one first, then an ALL_USERS one. */
export function usableSecretId(importer: Pick<Viewer, 'id'>, name: string): string | null {
  const candidates = getDb()
    .select({ id: secrets.id, visibility: secrets.visibility })
    .from(secrets)
    .where(
      and(
        eq(secrets.name, name),
        or(
          and(eq(secrets.scope, secretScope('PRIVATE', importer.id)), eq(secrets.visibility, 'PRIVATE')),
          and(eq(secrets.scope, 'shared'), eq(secrets.visibility, 'ALL_USERS')),
        ),
      ),
    )
    .all();
  // The importer's own secret wins over a shared one of the same name.
  return (candidates.find((c) => c.visibility === 'PRIVATE') ?? candidates[0])?.id ?? null;
}

/** Keys of the secret `name` as an app of `importer` would read it, or null when there is none it may use. */
export function usableSecretKeys(importer: Pick<Viewer, 'id'>, name: string): Set<string> | null {
  const id = usableSecretId(importer, name);
  if (!id) return null;
  const keys = getDb().select({ key: secretValues.key }).from(secretValues).where(eq(secretValues.secretId, id)).all();
  return new Set(keys.map((k) => k.key));
}

/**
 * The decrypted value an instance of the importer's app receives for (secret, key), or null when the
 * secret or key is not there (any more). Only the instance manager calls this, at start.
 */
export function usableSecretValue(importer: Pick<Viewer, 'id'>, name: string, key: string): string | null {
  const id = usableSecretId(importer, name);
  if (!id) return null;
  const row = getDb()
    .select()
    .from(secretValues)
    .where(and(eq(secretValues.secretId, id), eq(secretValues.key, key)))
    .get();
  return row ? unseal(id, key, { iv: row.iv, ciphertext: row.ciphertext, authTag: row.authTag }) : null;
}

/**
 * Problems for every [[Env]]/[[File]] secret reference the importer may not use. Same message whether the
 * secret is missing or belongs to someone else (no probing). Optional=true references are skipped.
 * Path like `Env[2].Secret`.
 */
export function checkSecretReferences(importer: Viewer, env: ValueDeclaration[], files: ValueDeclaration[]): Problem[] {
  const problems: Problem[] = [];
  const cache = new Map<string, Set<string> | null>();
  const check = (section: 'Env' | 'File', declarations: ValueDeclaration[]) => {
    declarations.forEach((d, i) => {
      if (d.optional || d.secret === undefined) return;
      if (!cache.has(d.secret)) cache.set(d.secret, usableSecretKeys(importer, d.secret));
      const keys = cache.get(d.secret)!;
      if (!keys) {
        problems.push({
          path: `${section}[${i}].Secret`,
          message: `Secret "${d.secret}" does not exist or is not usable by your apps: create it as one of your PRIVATE secrets (My secrets), or ask an administrator for an ALL_USERS secret.`,
        });
      } else if (d.secretKey !== undefined && !keys.has(d.secretKey)) {
        problems.push({
          path: `${section}[${i}].SecretKey`,
          message: `Secret "${d.secret}" has no key "${d.secretKey}"${keys.size ? `; its keys are ${[...keys].sort().join(', ')}` : ''}.`,
        });
      }
    });
  };
  check('Env', env);
  check('File', files);
  return problems;
}
