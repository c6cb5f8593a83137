// What a backup holds and how it streams: every file the snapshot's rows reference, even when a deletion
// and an import run while it sets them aside; files already missing and instance volumes named, not fatal;
// the first bytes sent before the files are hashed (the manifest comes last); a copy where a hard link
// cannot be made; and a restore that checks everything against the manifest at the end.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import JSZip from 'jszip';
import { pack as tarPack } from 'tar-stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db';
import { testDir } from '@/lib/testing/temp-dir';
import { importStagedBundle } from '@/lib/apps/import';
import { deleteAppVersionWithFiles } from '@/lib/apps/settings';
import { createInstance } from '@/lib/instances/store';
import { seedRuntimeVersions } from '@/lib/runtimes/catalog';
import { assetPath, bundlePath } from '@/lib/storage/paths';
import { stageStream } from '@/lib/storage/staging';
import { REFERENCED_BUNDLES_SQL } from '@/lib/storage/sweep';
import { insertAppRow, insertUser, useTempDataDir } from '@/lib/testing/db';
import { backupStream, backupTestHooks } from './backup';
import { sha256File } from './manifest';
import { RestoreError, restoreArchive } from './restore';

const { dir } = useTempDataDir();
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

type Viewer = Parameters<typeof importStagedBundle>[0];

function admin(): Viewer {
  seedRuntimeVersions();
  const user = insertUser({ isAdmin: true });
  return { id: user.id, email: user.email, name: user.name, isAdmin: true, roles: [], fullAccess: true };
}

async function importOne(name: string, viewer: Viewer) {
  const zip = new JSZip();
  zip.file('app.toml', `[App]\nName = "${name}"\nVersion = "1.0.0"\n[Runtime]\nModule = "app"\nVolumeMount = "/data"\n`);
  zip.file('app.py', `print("${name}")`);
  zip.file('static/icon.png', Buffer.concat([PNG, Buffer.from(name)])); // an icon of its own
  const staged = await stageStream(Readable.from([await zip.generateAsync({ type: 'nodebuffer' })]), 10_000_000);
  return (await importStagedBundle(viewer, staged, {})).app;
}

const newTarget = () => path.join(testDir('backup-restore-'), 'data');

/** Every bundle and image the restored snapshot's rows reference is in the restored folder, with its bytes. */
async function expectEveryReferencedFile(target: string, except: string[] = []) {
  const snapshot = new Database(path.join(target, 'appstore.db'), { readonly: true });
  const shas = (kind: string, sql: string) => (snapshot.prepare(sql).all() as { sha: string }[]).map((r) => `${kind}/${r.sha.slice(0, 2)}/${r.sha}`);
  const needed = [...shas('bundles', REFERENCED_BUNDLES_SQL), ...shas('assets', 'select distinct sha256 as sha from app_assets')];
  snapshot.close();
  for (const name of needed.filter((n) => !except.includes(n))) {
    expect(fs.existsSync(path.join(target, name)), name).toBe(true);
    expect((await sha256File(path.join(target, name))).sha256, name).toBe(path.basename(name));
  }
  return needed;
}

afterEach(() => {
  backupTestHooks.afterSnapshot = undefined;
  vi.restoreAllMocks();
});

describe('backup', () => {
  it('names files already missing and instance volumes it leaves out; the archive restores all the rest', async () => {
    const viewer = admin();
    const kept = await importOne(`ai.backup.kept${Date.now().toString(36)}`, viewer);
    const lost = await importOne(`ai.backup.lost${Date.now().toString(36)}`, viewer);
    const lostBytes = fs.readFileSync(bundlePath(lost.bundleSha256));
    fs.rmSync(bundlePath(lost.bundleSha256));
    const instance = createInstance(viewer, { appId: kept.id }, { publicMode: false, fullAccessRole: '' });
    fs.mkdirSync(path.join(dir(), 'runner', 'volumes', instance.id), { recursive: true });
    fs.writeFileSync(path.join(dir(), 'runner', 'volumes', instance.id, 'state.json'), '{}');
    fs.mkdirSync(path.join(dir(), 'runner', 'volumes', 'terminated-long-ago'), { recursive: true });

    const target = newTarget();
    const manifest = await restoreArchive((await backupStream()).stream, target);
    const lostName = path.relative(dir(), bundlePath(lost.bundleSha256));
    expect(manifest.missingFromStorage).toEqual([lostName]);
    expect(manifest.volumesNotIncluded).toEqual([instance.id]);
    expect(fs.existsSync(path.join(target, path.relative(dir(), bundlePath(kept.bundleSha256))))).toBe(true);
    expect(fs.existsSync(path.join(target, 'runner'))).toBe(false);
    await expectEveryReferencedFile(target, [lostName]);
    fs.writeFileSync(bundlePath(lost.bundleSha256), lostBytes); // back, for the tests after this one
  });

  it('holds every file the snapshot references while a deletion and an import run between the snapshot and the linking', async () => {
    const viewer = admin();
    const victim = await importOne(`ai.backup.victim${Date.now().toString(36)}`, viewer);
    const victimFiles = [bundlePath(victim.bundleSha256), ...(getDb().$client.prepare('select sha256 as sha from app_assets where app_id = ?').all(victim.id) as { sha: string }[]).map((r) => assetPath(r.sha))];
    const newcomerName = `ai.backup.newcomer${Date.now().toString(36)}`;
    let during: Promise<unknown>[] = [];
    let rowGoneDuringBackup = false;
    backupTestHooks.afterSnapshot = async () => {
      during = [deleteAppVersionWithFiles(viewer, victim.id), importOne(newcomerName, viewer)];
      // Whatever they can do without the storage lock, they do now (a few turns of the event loop).
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
      rowGoneDuringBackup = !getDb().$client.prepare('select 1 from apps where id = ?').get(victim.id);
    };
    const target = newTarget();
    const manifest = await restoreArchive((await backupStream()).stream, target);
    const [deleted, imported] = await Promise.all(during);
    expect(deleted).toMatchObject({ id: victim.id });
    expect(imported).toMatchObject({ name: newcomerName });

    expect(rowGoneDuringBackup).toBe(true); // the deletion really ran between the snapshot and the linking
    for (const file of victimFiles) expect(fs.existsSync(file)).toBe(false); // and removed the files, after the backup
    expect(manifest.missingFromStorage).toEqual([]);
    const needed = await expectEveryReferencedFile(target);
    for (const file of victimFiles) expect(needed).toContain(path.relative(dir(), file)); // the snapshot still has the victim
    const restored = new Database(path.join(target, 'appstore.db'), { readonly: true });
    expect(restored.prepare('select count(*) as n from apps where name = ?').get(newcomerName)).toEqual({ n: 0 }); // after the snapshot
    restored.close();
  });

  it('sends the first bytes before the files are read and hashed: the manifest comes last, and the restore checks it', async () => {
    const owner = insertUser();
    const big = randomBytes(24 * 1024 * 1024);
    const sha = createHash('sha256').update(big).digest('hex');
    fs.mkdirSync(path.dirname(bundlePath(sha)), { recursive: true });
    fs.writeFileSync(bundlePath(sha), big);
    insertAppRow({ ownerId: owner.id, name: 'ai.backup.big', bundleSha256: sha, bundleSize: big.length });

    const progress: { files: number; bytes: number; name: string }[] = [];
    const { stream, totals } = await backupStream((p) => progress.push(p));
    expect(totals.bytes).toBeGreaterThan(big.length);

    const first = (await new Promise((resolve) => stream.once('data', resolve))) as Buffer;
    stream.pause();
    expect(first.subarray(0, 11).toString()).toBe('appstore.db'); // a tar entry's name comes first in its header
    const bigDone = () => progress.some((p) => p.name === `bundles/${sha.slice(0, 2)}/${sha}`);
    expect(bigDone()).toBe(false);
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(progress.at(-1)?.bytes ?? 0).toBeLessThan(totals.bytes); // the reader sets the pace: nothing read ahead of it
    expect(bigDone()).toBe(false);

    const chunks = [first];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    await new Promise((resolve) => stream.once('end', resolve).resume());
    expect(progress.at(-1)).toEqual({ files: totals.files, bytes: totals.bytes, name: expect.any(String) });
    const archive = Buffer.concat(chunks);
    const target = newTarget();
    const manifest = await restoreArchive(Readable.from([archive]), target);
    expect(manifest.format).toBe('appstore-backup/2');
    expect(totals).toEqual({ files: Object.keys(manifest.files).length, bytes: Object.values(manifest.files).reduce((n, f) => n + f.size, 0) });
    expect(manifest.files[`bundles/${sha.slice(0, 2)}/${sha}`]).toEqual({ sha256: sha, size: big.length });
    expect(fs.readFileSync(path.join(target, 'bundles', sha.slice(0, 2), sha)).equals(big)).toBe(true);

    // The same archive with one byte of the big bundle flipped: refused at the manifest, the folder left empty.
    const at = archive.indexOf(big.subarray(0, 64));
    archive[at + 1000] ^= 0xff;
    const refused = newTarget();
    await expect(restoreArchive(Readable.from([archive]), refused)).rejects.toThrow(new RegExp(`bundles/${sha.slice(0, 2)}/${sha} does not match the manifest`));
    expect(fs.readdirSync(refused)).toEqual([]);
    getDb().$client.prepare("delete from apps where name = 'ai.backup.big'").run();
    fs.rmSync(bundlePath(sha));
  });

  it('copies instead of linking when DATA_DIR/backups is another file system (EXDEV)', async () => {
    const viewer = admin();
    const app = await importOne(`ai.backup.exdev${Date.now().toString(36)}`, viewer);
    const link = vi.spyOn(fs, 'linkSync').mockImplementation(() => {
      throw Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' });
    });
    const target = newTarget();
    const manifest = await restoreArchive((await backupStream()).stream, target);
    expect(link).toHaveBeenCalled();
    expect(manifest.missingFromStorage).toEqual([]);
    await expectEveryReferencedFile(target);
    expect(fs.existsSync(path.join(target, path.relative(dir(), bundlePath(app.bundleSha256))))).toBe(true);
    expect(fs.existsSync(bundlePath(app.bundleSha256))).toBe(true); // the original stays
  });
});

describe('restore', () => {
  const archiveOf = (entries: [string, Buffer | string][]) => {
    const tar = tarPack();
    for (const [name, content] of entries) tar.entry({ name }, content);
    tar.finalize();
    return tar as unknown as Readable;
  };
  const manifestOf = (files: Record<string, Buffer>) =>
    JSON.stringify({
      format: 'appstore-backup/2',
      createdAt: new Date().toISOString(),
      migrations: [],
      counts: { apps: 0, assets: 0, secrets: 0, users: 0, instances: 0 },
      files: Object.fromEntries(Object.entries(files).map(([name, b]) => [name, { sha256: createHash('sha256').update(b).digest('hex'), size: b.length }])),
      keysFromEnvironment: [],
    });
  const db = Buffer.from('database bytes');

  it('refuses an entry after the manifest, a missing manifest and a missing file, leaving the folder empty', async () => {
    for (const [entries, message] of [
      [[['appstore.db', db], ['manifest.json', manifestOf({ 'appstore.db': db })], ['auth-secret', 'x']], /Unexpected entry after manifest\.json: auth-secret/],
      [[['appstore.db', db]], /has no manifest\.json/],
      [[['appstore.db', db], ['manifest.json', manifestOf({ 'appstore.db': db, 'auth-secret': Buffer.from('k') })]], /incomplete: 1 file\(s\) missing, e\.g\. auth-secret/],
      [[['../escape', 'x'], ['manifest.json', manifestOf({})]], /Unexpected entry in the archive: \.\.\/escape/],
    ] as [[string, Buffer | string][], RegExp][]) {
      const target = newTarget();
      await expect(restoreArchive(archiveOf(entries), target)).rejects.toThrow(RestoreError);
      await expect(restoreArchive(archiveOf(entries), newTarget())).rejects.toThrow(message);
      expect(fs.readdirSync(target)).toEqual([]);
    }
  });

  it('still reads a format 1 archive (manifest first)', async () => {
    const manifest = manifestOf({ 'appstore.db': db }).replace('appstore-backup/2', 'appstore-backup/1');
    const target = newTarget();
    await restoreArchive(archiveOf([['manifest.json', manifest], ['appstore.db', db]]), target);
    expect(fs.readFileSync(path.join(target, 'appstore.db'))).toEqual(db);
  });
});
