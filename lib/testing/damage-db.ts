// Test helper: damages a table of the portal's database the way a torn write or a bad disk sector does.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { closeDb, getDb } from '@/db';

/**
 * Overwrites the b-tree page header of `table`'s root page with an invalid page type. Closes the portal's
 * connection first (the last connection checkpoints the WAL into the file); the next getDb() reopens it.
 */
export function damageTable(dataDir: string, table: string): void {
  const file = path.join(dataDir, 'appstore.db');
  const { rootpage } = getDb().$client.prepare('select rootpage from sqlite_master where name = ?').get(table) as { rootpage: number };
  closeDb();
  const probe = new Database(file);
  const pageSize = probe.pragma('page_size', { simple: true }) as number;
  probe.close();
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.alloc(16, 0xa5), 0, 16, (rootpage - 1) * pageSize);
  fs.closeSync(fd);
}
