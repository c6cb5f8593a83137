// Test helper: migrations folders made of the committed migrations, cut short or with one more appended.
import fs from 'node:fs';
import path from 'node:path';
import { MIGRATIONS_FOLDER } from '@/db/migrate';
import { testDir } from './temp-dir';

const journalOf = () => JSON.parse(fs.readFileSync(path.join(MIGRATIONS_FOLDER(), 'meta', '_journal.json'), 'utf8'));

/** How many migrations are committed. */
export const committedMigrations = () => journalOf().entries.length as number;

/** The journal index of the first committed migration whose tag starts with `prefix`. */
export const migrationIndex = (prefix: string) => journalOf().entries.findIndex((e: { tag: string }) => e.tag.startsWith(prefix)) as number;

/** A migrations folder (in `into`, or a new temporary one removed when the test finishes) holding the committed migrations up to `count`, then `extra`. */
export function migrationsFolderWith(count: number, extra?: { tag: string; sql: string }, into?: string): string {
  const dir = into ?? testDir('migrations-');
  fs.mkdirSync(path.join(dir, 'meta'), { recursive: true });
  const journal = journalOf();
  journal.entries = journal.entries.slice(0, count);
  for (const entry of journal.entries) fs.copyFileSync(path.join(MIGRATIONS_FOLDER(), `${entry.tag}.sql`), path.join(dir, `${entry.tag}.sql`));
  if (extra) {
    journal.entries.push({ idx: journal.entries.length, version: '6', when: Date.now() + 1000, tag: extra.tag, breakpoints: true });
    fs.writeFileSync(path.join(dir, `${extra.tag}.sql`), extra.sql);
  }
  fs.writeFileSync(path.join(dir, 'meta', '_journal.json'), JSON.stringify(journal));
  return dir;
}

/** Every row of every table, in a stable order: what "the data is unchanged" compares. */
export function dumpRows(sqlite: { prepare(sql: string): { all(): unknown[] } }): Record<string, string[]> {
  const tables = (sqlite.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").all() as { name: string }[]).map((t) => t.name);
  const rows = (t: string) => sqlite.prepare(`select * from "${t}"`).all().map((r) => JSON.stringify(r, (_k, v) => (Buffer.isBuffer(v) ? v.toString('hex') : v))).sort();
  return Object.fromEntries(tables.map((t) => [t, rows(t)]));
}
