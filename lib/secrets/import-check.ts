// The import-time rule for [[Env]] / [[File]] secret references: every non-optional reference must name a
// secret the importer may use (their own PRIVATE one, or an ALL_USERS one) holding the named key.
import 'server-only';
import { and, eq, or } from 'drizzle-orm';
import { getDb } from '@/db';
import { secrets, secretValues, type ValueDeclaration } from '@/db/schema';
import type { Viewer } from '@/lib/auth/policy';
import type { Problem } from '@/lib/errors';
import { mySecretsUrl } from '@/lib/urls';
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
 * One problem per secret the importer may not use, or that lacks keys the app names, listing the keys the
 * app needs and where it names them, with a link to My secrets (its form filled in). Same message whether
 * the secret is missing or belongs to someone else (no probing). Optional=true references are skipped.
 * The path is the first entry naming it, like `Env[2].Secret`.
 */
export function checkSecretReferences(importer: Viewer, env: ValueDeclaration[], files: ValueDeclaration[]): Problem[] {
  // Secret name → the entries naming it, in document order ([[Env]] first, then [[File]]).
  const bySecret = new Map<string, { entry: string; key?: string }[]>();
  const collect = (section: 'Env' | 'File', declarations: ValueDeclaration[]) => {
    declarations.forEach((d, i) => {
      if (d.optional || d.secret === undefined) return;
      const refs = bySecret.get(d.secret) ?? [];
      refs.push({ entry: `${section}[${i}]`, key: d.secretKey });
      bySecret.set(d.secret, refs);
    });
  };
  collect('Env', env);
  collect('File', files);

  const problems: Problem[] = [];
  for (const [secret, refs] of bySecret) {
    const needed = [...new Set(refs.flatMap((r) => (r.key === undefined ? [] : [r.key])))].sort();
    const entries = refs.map((r) => r.entry).join(', ');
    const keys = usableSecretKeys(importer, secret);
    if (!keys) {
      const needs = needed.length === 0 ? '' : ` with the key${needed.length === 1 ? '' : 's'} ${needed.join(', ')}`;
      problems.push({
        path: `${refs[0].entry}.Secret`,
        message: `Secret "${secret}" does not exist or is not usable by your apps; this app needs it${needs} (${entries}). Create it as one of your PRIVATE secrets on My secrets, or ask an administrator for an ALL_USERS secret.`,
        link: { href: mySecretsUrl({ name: secret, keys: needed }), label: `Create ${secret} on My secrets` },
      });
      continue;
    }
    const missing = needed.filter((k) => !keys.has(k));
    if (missing.length === 0) continue;
    const first = refs.find((r) => r.key !== undefined && missing.includes(r.key))!;
    const held = keys.size ? `; its keys are ${[...keys].sort().join(', ')}` : '';
    problems.push({
      path: `${first.entry}.SecretKey`,
      message:
        missing.length === 1
          ? `Secret "${secret}" has no key "${missing[0]}"${held}.`
          : `Secret "${secret}" has no keys ${missing.map((k) => `"${k}"`).join(', ')}${held}.`,
      link: { href: mySecretsUrl(), label: 'My secrets' },
    });
  }
  return problems;
}
