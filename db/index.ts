// The one SQLite connection of the process: opened lazily, migrated on open, kept on globalThis
// so that development hot reloads and tests reuse it instead of leaking handles.
import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { config, databaseBusyTimeoutMs, dataDir } from '@/lib/config';
import * as schema from './schema';
import { migrateDb } from './migrate';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
/** The handle inside `db.transaction(tx => …)`. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** The connection or a transaction: both have the same query builder. */
export type Queryable = Db | Tx;

/** SQLite's page cache per connection, in KiB. */
const PAGE_CACHE_KIB = 16 * 1024;

type Holder = { db?: Db; dir?: string };
const holder = ((globalThis as { __appstoreDb?: Holder }).__appstoreDb ??= {});

export function openDb(dir: string): Db {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'appstore.db');
  const sqlite = new Database(file);
  // Owner only: DATA_DIR stays traversable for the sandboxes' users (0711), the database never readable.
  // SQLite gives the -wal and -shm files the database file's mode; older ones are narrowed here too.
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (fs.existsSync(f)) fs.chmodSync(f, 0o600);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  // Short: waiting for a lock blocks the event loop (better-sqlite3 is synchronous), so a lock held by
  // another process soon answers 503 instead of stalling every request.
  sqlite.pragma(`busy_timeout = ${databaseBusyTimeoutMs()}`);
  sqlite.pragma('synchronous = NORMAL');
  // 16 MiB of pages per connection instead of SQLite's 2 MB: with a large catalog the interior pages of the apps
  // table and its indexes no longer fit in 2 MB, and each page of cards read through them again (issue 15: 24
  // random cards at 100,000 apps, 1.94 → 1.15 ms; no change at 10,000).
  sqlite.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  const db = drizzle(sqlite, { schema }) as Db;
  migrateDb(db, { keepBackups: config().migrationBackupsKeep });
  return db;
}

/** The process-wide database under DATA_DIR; reopened if DATA_DIR changed (tests). */
export function getDb(): Db {
  const dir = dataDir();
  if (!holder.db || holder.dir !== dir) {
    holder.db?.$client.close();
    holder.db = openDb(dir);
    holder.dir = dir;
  }
  return holder.db;
}

/**
 * What is built once per connection and then reused, such as the hot reads prepared with placeholders (building a
 * drizzle query and compiling its SQL on every call costs more than running it). Kept per connection, since
 * getDb() opens another one when DATA_DIR changes (tests).
 */
export function perConnection<T>(build: (db: Db) => T): () => T {
  const built = new WeakMap<Db, T>();
  return () => {
    const db = getDb();
    let value = built.get(db);
    if (value === undefined) built.set(db, (value = build(db)));
    return value;
  };
}

/** Close the connection (tests, graceful shutdown). */
export function closeDb(): void {
  holder.db?.$client.close();
  holder.db = undefined;
  holder.dir = undefined;
}
