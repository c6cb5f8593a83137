// The start-up sweep of unreferenced files runs only on a sound database: a damaged table hides the rows
// that need its files, and those files would be deleted as "unreferenced". A start whose migration fails
// stops, saying so, with the database and files as they were.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrateDb } from '@/db/migrate';
import { runScript } from '@/lib/testing/child';
import { committedMigrations, dumpRows, migrationsFolderWith } from '@/lib/testing/migrations';
import { insertAppRow, insertUser, useTempDataDir } from '@/lib/testing/db';
import { damageTable } from '@/lib/testing/damage-db';
import { sweepOrphansIfSound } from './startup';
import { testDir } from '@/lib/testing/temp-dir';

const { dir } = useTempDataDir();

function storeAsset(content: string): string {
  const sha = createHash('sha256').update(content).digest('hex');
  const file = path.join(dir(), 'assets', sha.slice(0, 2), sha);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

function logger() {
  const lines: string[] = [];
  return { lines, log: (line: string) => lines.push(line), error: (line: string) => lines.push(line) };
}

describe('the start-up sweep', () => {
  it('removes a file no row references when the database is sound', async () => {
    const orphan = storeAsset('left behind by a crash');
    const log = logger();
    expect(await sweepOrphansIfSound(log)).toEqual({ removed: 1 });
    expect(fs.existsSync(orphan)).toBe(false);
    expect(log.lines).toEqual(['Removed 1 leftover file(s) from DATA_DIR.']);
  });

  it('removes what the runner prepared for app versions that are gone, and keeps the others', async () => {
    const { LocalRunner } = await import('@/lib/runner/local-runner');
    const { InstanceManager } = await import('@/lib/instances/manager');
    const { installInstances } = await import('@/lib/instances/gateway');
    const { clearInstalled } = await import('@/lib/instances/installed');
    const runner = new LocalRunner();
    installInstances(new InstanceManager(runner));
    try {
      const existing = insertAppRow({ ownerId: insertUser().id, name: 'ai.sweep.kept' });
      const apps = path.join(runner.config.dir, 'apps');
      for (const id of [existing, 'b1f0c2a4-5d6e-4f70-8a9b-0c1d2e3f4a5b']) {
        fs.mkdirSync(path.join(apps, id), { recursive: true });
        fs.writeFileSync(path.join(apps, id, 'app.py'), '');
      }
      const log = logger();
      expect(await sweepOrphansIfSound(log)).toEqual({ removed: 1 });
      expect(fs.readdirSync(apps)).toEqual([existing]);
      expect(log.lines).toEqual(['Removed the prepared files of 1 deleted app version(s) from RUNNER_DIR/apps.']);
    } finally {
      clearInstalled();
    }
  });

  it('removes the Python environments only deleted versions used, and leftovers of crashed builds, keeping those of existing versions', async () => {
    const { LocalRunner } = await import('@/lib/runner/local-runner');
    const { InstanceManager } = await import('@/lib/instances/manager');
    const { installInstances } = await import('@/lib/instances/gateway');
    const { clearInstalled } = await import('@/lib/instances/installed');
    const { venvMarkerPath } = await import('@/lib/runner/prepare');
    const runner = new LocalRunner();
    installInstances(new InstanceManager(runner));
    try {
      const existing = insertAppRow({ ownerId: insertUser().id, name: 'ai.sweep.venv' });
      const deleted = 'c2f0c2a4-5d6e-4f70-8a9b-0c1d2e3f4a5b';
      const [kept, gone] = ['a'.repeat(32), 'b'.repeat(32)];
      const apps = path.join(runner.config.dir, 'apps');
      const venvs = path.join(runner.config.dir, 'venvs');
      for (const [id, key] of [
        [existing, kept],
        [deleted, gone],
      ]) {
        fs.mkdirSync(path.join(apps, id), { recursive: true });
        fs.writeFileSync(venvMarkerPath(path.join(apps, id)), `${key}\n`);
        fs.mkdirSync(path.join(venvs, key, 'bin'), { recursive: true });
      }
      const crashedBuild = path.join(venvs, `${kept}.tmp-0b8f7c2e-3a41-4d5e-9f60-7a8b9c0d1e2f`);
      fs.mkdirSync(crashedBuild);
      const log = logger();
      expect(await sweepOrphansIfSound(log)).toEqual({ removed: 2 });
      const left = fs.readdirSync(apps); // with the versions of the tests before (same RUNNER_DIR)
      expect(left).toEqual(expect.arrayContaining([existing, `${existing}.venv-key`]));
      expect(left.filter((name) => name.startsWith(deleted))).toEqual([]);
      expect(fs.readdirSync(venvs)).toEqual([kept]);
      expect(log.lines).toEqual([
        'Removed the prepared files of 1 deleted app version(s) from RUNNER_DIR/apps.',
        'Removed 1 Python environment(s) no app version uses from RUNNER_DIR/venvs.',
      ]);
    } finally {
      clearInstalled();
    }
  });

  it('removes nothing, and says why, when the database is damaged', async () => {
    const owner = insertUser();
    for (let i = 0; i < 3; i++) insertAppRow({ ownerId: owner.id, name: `ai.sweep${i}` });
    const orphan = storeAsset('its row may be on the damaged page');
    damageTable(dir(), 'app_assets');
    const log = logger();
    expect(await sweepOrphansIfSound(log)).toBeNull();
    expect(fs.existsSync(orphan)).toBe(true);
    expect(log.lines).toEqual([expect.stringMatching(/^The database is damaged \(.+\): unreferenced files were NOT removed at start-up\. Run `appstore admin fsck`/)]);
  });
});

describe('a start-up whose migration fails', () => {
  it('stops with a message naming the copy, and leaves the database and the stored files as they were', async () => {
    const data = testDir('startup-migration-');
    const file = path.join(data, 'appstore.db');
    const sqlite = new Database(file);
    sqlite.pragma('journal_mode = WAL');
    migrateDb(Object.assign(drizzle(sqlite), { $client: sqlite }), { log: () => {} });
    sqlite.prepare("insert into users (id, email, name) values ('u1', 'a@b.test', 'A')").run();
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const rows = dumpRows(sqlite);
    sqlite.close();
    const bytes = fs.readFileSync(file);
    const bundle = path.join(data, 'bundles', 'ab', 'ab'.repeat(32));
    fs.mkdirSync(path.dirname(bundle), { recursive: true });
    fs.writeFileSync(bundle, 'a stored bundle');
    // A new version of the portal whose last migration fails half-way.
    const portal = testDir('startup-portal-');
    migrationsFolderWith(
      committedMigrations(),
      { tag: '9999_broken', sql: "UPDATE users SET name = 'changed';\n--> statement-breakpoint\nCREATE TABLE users (id text);" },
      path.join(portal, 'db', 'migrations'),
    );

    const child = runScript('startup-child.ts', [portal], { DATA_DIR: data, AUTH_SECRET: 'startup-test-secret-0123456789abcdef' }, { stderr: 'pipe' });
    let stderr = '';
    child.process.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    expect(await child.exited).toEqual({ code: 1, signal: null });
    expect(child.output()).not.toContain('started');
    expect(stderr).toMatch(
      /The App Store cannot start: The database could not be migrated: .*It is unchanged \(the migrations run in one transaction\); a copy taken before is .*backups\/pre-migration-.*\.db\. Start the previous version of the portal, or fix the migration\./s,
    );

    const after = new Database(file, { readonly: true });
    expect(dumpRows(after)).toEqual(rows);
    after.close();
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
    expect(fs.readFileSync(bundle, 'utf8')).toBe('a stored bundle');
    const [copy] = fs.readdirSync(path.join(data, 'backups'));
    const saved = new Database(path.join(data, 'backups', copy), { readonly: true });
    expect(dumpRows(saved)).toEqual(rows);
    saved.close();
  });
});
