// Which imported apps name a secret in [[Env]] / [[File]]: such a secret (or key) cannot be removed.
import 'server-only';
import { sql } from 'drizzle-orm';
import { getDb } from '@/db';
import type { Secret, ValueDeclaration } from '@/db/schema';

export interface SecretReference {
  appName: string;
  version: string;
  /** The keys of the secret this app version names. */
  keys: string[];
}

type SecretFacts = Pick<Secret, 'name' | 'visibility' | 'ownerId' | 'appName'>;

/**
 * Apps that would read this secret: a PRIVATE one is read by its owner's apps; an ALL_USERS one by apps
 * whose owner has no PRIVATE secret of that name (that one is found first); an APP one by its app Name.
 */
export function appsNamingSecret(secret: SecretFacts): SecretReference[] {
  const names = (column: 'env' | 'files') =>
    sql.raw(`EXISTS (SELECT 1 FROM json_each(a.${column}) d WHERE json_extract(d.value, '$.secret') = `);
  const scope =
    secret.visibility === 'PRIVATE'
      ? sql`a.owner_id = ${secret.ownerId}`
      : secret.visibility === 'ALL_USERS'
        ? sql`NOT EXISTS (SELECT 1 FROM secrets s WHERE s.scope = 'user:' || a.owner_id AND s.name = ${secret.name})`
        : sql`a.name = ${secret.appName ?? ''}`;
  const rows = getDb().all<{ name: string; version: string; env: string; files: string }>(sql`
    SELECT a.name, a.version, a.env, a.files FROM apps a
    WHERE ${scope} AND (${names('env')}${secret.name}) OR ${names('files')}${secret.name}))
    ORDER BY a.name, a.version_key`);
  return rows.map((row) => {
    const declarations = [...JSON.parse(row.env), ...JSON.parse(row.files)] as ValueDeclaration[];
    const keys = declarations.filter((d) => d.secret === secret.name && d.secretKey).map((d) => d.secretKey!);
    return { appName: row.name, version: row.version, keys: [...new Set(keys)].sort() };
  });
}

export function describeReferences(refs: SecretReference[]): string {
  const shown = refs.slice(0, 20).map((r) => `${r.appName} ${r.version}`);
  return shown.join(', ') + (refs.length > shown.length ? ` and ${refs.length - shown.length} more` : '');
}
