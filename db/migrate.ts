// Applies the committed drizzle-kit migrations; runs whenever the database is opened.
import path from 'node:path';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';

export function migrateDb(db: BetterSQLite3Database<Record<string, unknown>>): void {
  migrate(db, { migrationsFolder: path.join(/*turbopackIgnore: true*/ process.cwd(), 'db', 'migrations') });
}
