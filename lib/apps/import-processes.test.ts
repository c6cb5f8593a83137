// Imports in other processes, against this test's DATA_DIR: a crash at the exact step between placing files
// and committing rows (the next start sweeps what it left), and two users racing for one new Name.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import JSZip from 'jszip';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db';
import { appAssets, appNames, apps } from '@/db/schema';
import type { Viewer } from '@/lib/auth/policy';
import { seedRuntimeVersions } from '@/lib/runtimes/catalog';
import { startUp } from '@/lib/startup';
import { bundlePath, stagingDir } from '@/lib/storage/paths';
import { runScript } from '@/lib/testing/child';
import { insertUser, useTempDataDir } from '@/lib/testing/db';
import { testDir } from '@/lib/testing/temp-dir';

const data = useTempDataDir();
beforeAll(() => seedRuntimeVersions());

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

function viewer(isAdmin = false): Viewer {
  const u = insertUser({ isAdmin });
  return { id: u.id, email: u.email, name: u.name, isAdmin, roles: [], fullAccess: true };
}

async function bundleFile(name: string, version: string, extra: Record<string, Buffer> = {}): Promise<string> {
  const zip = new JSZip();
  zip.file('app.toml', `[App]\nName = "${name}"\nVersion = "${version}"\n\n[Runtime]\nModule = "app"\n`);
  zip.file('app.py', 'print(1)\n');
  for (const [file, content] of Object.entries(extra)) zip.file(file, content);
  const file = path.join(testDir('appstore-bundle-'), `${name}.${version}.wave`);
  fs.writeFileSync(file, await zip.generateAsync({ type: 'nodebuffer' }));
  return file;
}

const filesUnder = (dir: string) =>
  fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()) : [];

describe('an import killed between placing its files and committing its rows', () => {
  it('leaves no row, and the next start removes its files', async () => {
    const user = viewer();
    const name = `ai.test.crash${Date.now().toString(36)}`;
    const icon = Buffer.concat([PNG, Buffer.from(name)]);
    const child = runScript('import-child.ts', ['crash', JSON.stringify(user), await bundleFile(name, '1.0.0', { 'static/icon.png': icon })], {
      DATA_DIR: data.dir(),
    });
    const exit = await child.exited;
    expect(exit, child.output()).toEqual({ code: null, signal: 'SIGKILL' });

    // The crash landed in the window: the bundle and the icon are on disk, no row points at them.
    expect(getDb().select().from(apps).where(eq(apps.name, name)).all()).toEqual([]);
    expect(getDb().select().from(appNames).where(eq(appNames.name, name)).all()).toEqual([]);
    const referenced = new Set([
      ...getDb().select({ sha: apps.bundleSha256 }).from(apps).all().map((r) => r.sha),
      ...getDb().select({ sha: appAssets.sha256 }).from(appAssets).all().map((r) => r.sha),
    ]);
    const orphans = [...filesUnder(path.join(data.dir(), 'bundles')), ...filesUnder(path.join(data.dir(), 'assets'))].filter(
      (f) => !referenced.has(path.basename(f)),
    );
    expect(orphans).toHaveLength(2);

    await startUp();
    for (const orphan of orphans) {
      expect(fs.existsSync(path.join(data.dir(), 'bundles', orphan)) || fs.existsSync(path.join(data.dir(), 'assets', orphan))).toBe(false);
    }
    expect(filesUnder(stagingDir())).toEqual([]);
  });
});

describe('two users importing the same new Name at the same moment', () => {
  it('gives the Name exactly one owner, even when both passed the first check', async () => {
    const [alice, bob] = [viewer(), viewer()];
    const name = `ai.test.race${Date.now().toString(36)}`;
    const children = [
      runScript('import-child.ts', ['race', JSON.stringify(alice), await bundleFile(name, '1.0.0')], { DATA_DIR: data.dir() }),
      runScript('import-child.ts', ['race', JSON.stringify(bob), await bundleFile(name, '2.0.0')], { DATA_DIR: data.dir() }),
    ];
    const shas = await Promise.all(children.map(async (c) => (await c.line((l) => l.startsWith('ready '))).slice('ready '.length)));

    // Hold the database's write lock so that neither can commit until both have checked the Name (nobody
    // owns it yet) and placed their bundle: the moment just before their transactions.
    const lock = new Database(path.join(data.dir(), 'appstore.db'));
    lock.exec('BEGIN IMMEDIATE');
    try {
      for (const c of children) c.send('go\n');
      await vi.waitFor(() => expect(shas.every((sha) => fs.existsSync(bundlePath(sha)))).toBe(true), { timeout: 45_000, interval: 20 });
    } finally {
      lock.exec('ROLLBACK');
      lock.close();
    }

    const results = await Promise.all(
      children.map(async (c) => JSON.parse((await c.line((l) => l.startsWith('result '))).slice('result '.length))),
    );
    await Promise.all(children.map((c) => c.exited));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([expect.objectContaining({ code: 'FORBIDDEN', message: expect.stringContaining('is not available to you') })]);
    const owner = getDb().select().from(appNames).where(eq(appNames.name, name)).get()!.ownerId;
    const rows = getDb().select().from(apps).where(eq(apps.name, name)).all();
    expect(rows).toHaveLength(1);
    expect(rows[0].ownerId).toBe(owner);
    // The loser's bundle was removed with its refusal.
    const loser = results.findIndex((r) => !r.ok);
    expect(fs.existsSync(bundlePath(shas[loser]))).toBe(false);
  }, 90_000);
});
