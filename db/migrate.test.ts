// Migrations at start-up: an existing database is copied before it changes; a failing migration leaves it as it was.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { describe, expect, it } from 'vitest';
import { committedMigrations as committed, dumpRows, migrationIndex, migrationsFolderWith as folderWith } from '@/lib/testing/migrations';
import { MigrationError, migrateDb } from './migrate';
import { testDir } from '@/lib/testing/temp-dir';

const open = (file: string) => {
  const sqlite = new Database(file);
  return Object.assign(drizzle(sqlite), { $client: sqlite });
};
/** The schema as SQLite stores it (tables, columns, indexes, triggers). */
const tables = (sqlite: Database.Database) =>
  (sqlite.prepare("select type || ' ' || name || ': ' || coalesce(sql, '') as s from sqlite_master order by type, name").all() as { s: string }[]).map((r) => r.s);

describe('migrations at start-up', () => {
  it('a database of the previous schema is backed up, then migrated', () => {
    const dir = testDir('migrate-');
    const file = path.join(dir, 'appstore.db');
    const previous = open(file);
    migrateDb(previous, { migrationsFolder: folderWith(committed() - 1), log: () => {} });
    previous.$client.prepare("insert into users (id, email, name) values ('u1', 'a@b.test', 'A')").run();
    const before = tables(previous.$client);
    previous.$client.close();

    const lines: string[] = [];
    const db = open(file);
    migrateDb(db, { log: (l) => lines.push(l) });
    expect(lines).toEqual([expect.stringMatching(/^Backed up the database to .*backups\/pre-migration-.*\.db before applying 1 migration\(s\)\.$/)]);
    expect(tables(db.$client)).not.toEqual(before);
    const copy = new Database(path.join(dir, 'backups', fs.readdirSync(path.join(dir, 'backups'))[0]), { readonly: true });
    expect(tables(copy)).toEqual(before);
    expect(copy.prepare('select email from users').get()).toEqual({ email: 'a@b.test' });
    copy.close();
    // Up to date: nothing to back up the next time.
    migrateDb(db, { log: (l) => lines.push(l) });
    expect(lines).toHaveLength(1);
    db.$client.close();
  });

  it('a failing migration leaves the database untouched, its rows and its bytes, and says so', () => {
    const dir = testDir('migrate-fail-');
    const file = path.join(dir, 'appstore.db');
    const db = open(file);
    migrateDb(db, { log: () => {} });
    db.$client.prepare("insert into users (id, email, name) values ('u1', 'a@b.test', 'A'), ('u2', 'c@d.test', 'C')").run();
    db.$client.pragma('wal_checkpoint(TRUNCATE)');
    const before = tables(db.$client);
    const rowsBefore = dumpRows(db.$client);
    const bytesBefore = fs.readFileSync(file);
    // It changes rows and adds a table before the statement that fails.
    const failing = folderWith(committed(), {
      tag: '9999_broken',
      sql: "UPDATE users SET name = 'changed';\n--> statement-breakpoint\nCREATE TABLE half_done (id text);\n--> statement-breakpoint\nCREATE TABLE users (id text);",
    });
    expect(() => migrateDb(db, { migrationsFolder: failing, log: () => {} })).toThrow(MigrationError);
    expect(() => migrateDb(db, { migrationsFolder: failing, log: () => {} })).toThrow(/It is unchanged .*a copy taken before is .*pre-migration/);
    expect(tables(db.$client)).toEqual(before); // half_done was rolled back with the rest
    expect(dumpRows(db.$client)).toEqual(rowsBefore); // and so was the update
    db.$client.close();
    expect(fs.readFileSync(file).equals(bytesBefore)).toBe(true);
    const copy = new Database(path.join(dir, 'backups', fs.readdirSync(path.join(dir, 'backups'))[0]), { readonly: true });
    expect(dumpRows(copy)).toEqual(rowsBefore);
    copy.close();
  });

  it('keeps the last MIGRATION_BACKUPS_KEEP copies; 0 takes none and keeps none', () => {
    const dir = testDir('migrate-keep-');
    const backups = path.join(dir, 'backups');
    fs.mkdirSync(backups);
    const older = ['2020-01-01', '2020-01-02', '2020-01-03', '2020-01-04'].map((d) => `pre-migration-${d}T00-00-00-000Z.db`);
    for (const name of older) fs.writeFileSync(path.join(backups, name), 'old copy');
    fs.writeFileSync(path.join(backups, 'notes.txt'), 'not a copy: left alone');
    const migrateOnce = (keep: number) => {
      const file = path.join(dir, 'appstore.db');
      fs.rmSync(file, { force: true });
      const previous = open(file);
      migrateDb(previous, { migrationsFolder: folderWith(committed() - 1), log: () => {} });
      const lines: string[] = [];
      migrateDb(previous, { keepBackups: keep, log: (l) => lines.push(l) });
      previous.$client.close();
      return lines;
    };
    migrateOnce(2);
    const kept = fs.readdirSync(backups).sort();
    expect(kept).toEqual(['notes.txt', older[3], expect.stringMatching(/^pre-migration-(?!2020-).*\.db$/)]); // the newest old one and today's
    expect(migrateOnce(0)).toEqual(['Applying 1 migration(s) without a copy of the database first (MIGRATION_BACKUPS_KEEP=0).']);
    expect(fs.readdirSync(backups)).toEqual(['notes.txt']);
  });
});

describe('0007: instances outlive their app version', () => {
  it('keeps every instance and every alias assignment while the instances table is rebuilt', () => {
    const dir = testDir('migrate-0007-');
    const file = path.join(dir, 'appstore.db');
    const before = open(file);
    before.$client.pragma('foreign_keys = ON'); // as db/index.ts opens it
    const upTo0006 = migrationIndex('0007');
    migrateDb(before, { migrationsFolder: folderWith(upTo0006), log: () => {} });
    const run = (sql: string) => before.$client.prepare(sql).run();
    run("insert into users (id, email, name) values ('u1', 'a@b.test', 'A')");
    run(`insert into apps (id, name, version, version_key, owner_id, kind, title, instance_lifecycle, runtime, env, files, bundle_sha256, bundle_size)
         values ('a1', 'app', '1.0.0', 'k', 'u1', 'wave', 'App', 'ON_DEMAND', '{}', '[]', '[]', 'sha', 1)`);
    run("insert into instances (id, app_id, owner_id, status, updated_at) values ('i1', 'a1', 'u1', 'DEPLOYED', 1)");
    run("insert into aliases (name, instance_id, is_primary, updated_at) values ('churn', 'i1', 1, 1), ('other', 'i1', 0, 1), ('idle', null, 0, 1)");
    before.$client.close();

    const db = open(file);
    db.$client.pragma('foreign_keys = ON');
    migrateDb(db, { log: () => {} });
    expect(db.$client.prepare('select name, instance_id as instanceId, is_primary as isPrimary from aliases order by name').all()).toEqual([
      { name: 'churn', instanceId: 'i1', isPrimary: 1 },
      { name: 'idle', instanceId: null, isPrimary: 0 },
      { name: 'other', instanceId: 'i1', isPrimary: 0 },
    ]);
    expect(db.$client.prepare('select id, app_id as appId, app_snapshot as snapshot, status from instances').all()).toEqual([
      { id: 'i1', appId: 'a1', snapshot: null, status: 'DEPLOYED' },
    ]);
    // The app version can now be deleted from under its instance.
    db.$client.prepare("delete from apps where id = 'a1'").run();
    expect(db.$client.prepare('select count(*) as n from instances').get()).toEqual({ n: 1 });
    expect(db.$client.prepare("select name from sqlite_master where name in ('__alias_targets', '__new_instances')").all()).toEqual([]);
    expect(db.$client.pragma('foreign_key_check')).toEqual([]);
    db.$client.close();
  });
});

describe('0013: each catalog head carries its tag ids', () => {
  it("fills tag_ids of the heads a database already has from their versions' app_tags, in both audiences", () => {
    const dir = testDir('migrate-0013-');
    const file = path.join(dir, 'appstore.db');
    const before = open(file);
    before.$client.pragma('foreign_keys = ON'); // as db/index.ts opens it
    migrateDb(before, { migrationsFolder: folderWith(migrationIndex('0013')), log: () => {} });
    const run = (sql: string) => before.$client.prepare(sql).run();
    run("insert into users (id, email, name) values ('u1', 'a@b.test', 'A')");
    run("insert into tags (id, name, title) values ('t1', 'one', 'One'), ('t2', 'two', 'Two')");
    const app = (id: string, name: string, version: string, visibility: string) =>
      run(`insert into apps (id, name, version, version_key, owner_id, kind, title, instance_lifecycle, runtime, env, files, bundle_sha256, bundle_size, visibility)
           values ('${id}', '${name}', '${version}', '${version}', 'u1', 'wave', 'App', 'ON_DEMAND', '{}', '[]', '[]', 'sha', 1, '${visibility}')`);
    app('a1', 'tagged', '1.0.0', 'PUBLIC');
    app('a2', 'tagged', '2.0.0', 'ALL_USERS');
    app('b1', 'untagged', '1.0.0', 'ALL_USERS');
    run("insert into app_tags (app_id, tag_id) values ('a1', 't1'), ('a2', 't1'), ('a2', 't2')");
    before.$client.close();

    const db = open(file);
    db.$client.pragma('foreign_keys = ON');
    migrateDb(db, { log: () => {} });
    const heads = db.$client.prepare('select audience, name, app_id as appId, tag_ids as tagIds from catalog_heads order by audience, name').all() as { tagIds: string }[];
    expect(heads.map((h) => ({ ...h, tagIds: JSON.parse(h.tagIds).sort() }))).toEqual([
      { audience: 'public', name: 'tagged', appId: 'a1', tagIds: ['t1'] },
      { audience: 'shared', name: 'tagged', appId: 'a2', tagIds: ['t1', 't2'] },
      { audience: 'shared', name: 'untagged', appId: 'b1', tagIds: [] },
    ]);
    db.$client.close();
  });
});
