// Applies the committed drizzle-kit migrations; runs whenever the database is opened. Before changing an
// existing database it copies it into DATA_DIR/backups/ (the last MIGRATION_BACKUPS_KEEP are kept; 0 takes
// no copy and keeps none), and says so; the migrations run in one transaction, so a failing one leaves the
// database as it was.
import fs from 'node:fs';
import path from 'node:path';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { readMigrationFiles } from 'drizzle-orm/migrator';

type Client = { name: string; prepare(sql: string): { get(): unknown }; exec(sql: string): unknown };

export const MIGRATIONS_FOLDER = () => path.join(/*turbopackIgnore: true*/ process.cwd(), 'db', 'migrations');

export class MigrationError extends Error {}

function lastApplied(client: Client): number | null {
  try {
    const row = client.prepare('select created_at as at from __drizzle_migrations order by created_at desc limit 1').get() as { at: number } | undefined;
    return row ? Number(row.at) : null;
  } catch {
    return null; // no migrations table: a new database
  }
}

/** Removes all but the newest `keep` pre-migration copies (their names sort by time). */
export function pruneBackups(dir: string, keep: number): void {
  if (!fs.existsSync(dir)) return;
  const copies = fs
    .readdirSync(dir)
    .filter((f) => /^pre-migration-.*\.db$/.test(f))
    .sort();
  for (const f of copies.slice(0, Math.max(0, copies.length - keep))) fs.rmSync(path.join(dir, f), { force: true });
}

export function migrateDb(
  db: BetterSQLite3Database<Record<string, unknown>> & { $client: Client },
  options: { migrationsFolder?: string; keepBackups?: number; log?: (line: string) => void } = {},
): void {
  const migrationsFolder = options.migrationsFolder ?? MIGRATIONS_FOLDER();
  const client = db.$client;
  const applied = lastApplied(client);
  const pending = applied === null ? [] : readMigrationFiles({ migrationsFolder }).filter((m) => m.folderMillis > applied);
  let backup: string | null = null;
  const keep = options.keepBackups ?? 5;
  const log = options.log ?? console.log;
  if (pending.length > 0 && client.name && client.name !== ':memory:') {
    const dir = path.join(path.dirname(client.name), 'backups');
    if (keep > 0) {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      backup = path.join(dir, `pre-migration-${new Date().toISOString().replace(/[:.]/g, '-')}.db`);
      client.exec(`VACUUM INTO '${backup.replaceAll("'", "''")}'`);
      log(`Backed up the database to ${backup} before applying ${pending.length} migration(s).`);
    } else {
      log(`Applying ${pending.length} migration(s) without a copy of the database first (MIGRATION_BACKUPS_KEEP=0).`);
    }
    pruneBackups(dir, keep);
  }
  try {
    migrate(db, { migrationsFolder });
  } catch (error) {
    throw new MigrationError(
      `The database could not be migrated: ${(error as Error).message}. It is unchanged (the migrations run in one transaction)${backup ? `; a copy taken before is ${backup}` : ''}. Start the previous version of the portal, or fix the migration.`,
    );
  }
}
