import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { importStagedBundle } from '@/lib/apps/import';
import { seedRuntimeVersions } from '@/lib/runtimes/catalog';
import { assetPath, bundlePath } from '@/lib/storage/paths';
import { stageStream } from '@/lib/storage/staging';
import { insertUser, useTempDataDir } from '@/lib/testing/db';
import { fsck, integrityCheckOffThread, integrityProblems, integrityProblemsOffThread } from './fsck';
import { testDir } from '@/lib/testing/temp-dir';

const { dir } = useTempDataDir();
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

async function importOne(name: string) {
  seedRuntimeVersions();
  const user = insertUser({ isAdmin: true });
  const zip = new JSZip();
  zip.file('app.toml', `[App]\nName = "${name}"\nVersion = "1.0.0"\nTitle = "T"\n[Runtime]\nModule = "app"\n`);
  zip.file('static/icon.png', Buffer.concat([PNG, Buffer.from(name)])); // an icon of its own (files are shared by content)
  zip.file('app.py', `print("${name}")`);
  const staged = await stageStream(Readable.from([await zip.generateAsync({ type: 'nodebuffer' })]), 10_000_000);
  const viewer = { id: user.id, email: user.email, name: user.name, isAdmin: true, roles: [], fullAccess: true };
  const { app } = await importStagedBundle(viewer, staged, {});
  const row = getDb().$client.prepare('select bundle_sha256 as b, (select sha256 from app_assets where app_id = ?) as a from apps where id = ?').get(app.id, app.id) as { b: string; a: string };
  return { id: app.id, bundle: bundlePath(row.b), asset: assetPath(row.a) };
}

describe('fsck', () => {
  it('reports a flipped byte, a deleted file and an orphan precisely; --repair removes only the orphan', async () => {
    const clean = await fsck();
    expect(clean.ok).toBe(true);
    const a = await importOne(`ai.fsck.flip${Date.now().toString(36)}`);
    const b = await importOne(`ai.fsck.gone${Date.now().toString(36)}`);
    const bytes = fs.readFileSync(a.bundle);
    bytes[10] ^= 0xff;
    fs.chmodSync(a.bundle, 0o644);
    fs.writeFileSync(a.bundle, bytes);
    fs.rmSync(b.asset);
    const orphanSha = 'f'.repeat(64);
    const orphan = path.join(dir(), 'bundles', 'ff', orphanSha);
    fs.mkdirSync(path.dirname(orphan), { recursive: true });
    fs.writeFileSync(orphan, 'left behind');

    const report = await fsck();
    expect(report.ok).toBe(false);
    expect(report.database).toEqual([]);
    expect(report.corrupted.map((c) => c.file)).toEqual([path.relative(dir(), a.bundle)]);
    expect(report.missing).toEqual([{ file: path.relative(dir(), b.asset), apps: [expect.stringMatching(/^ai\.fsck\.gone.* 1\.0\.0$/)] }]);
    expect(report.orphans).toEqual([`bundles/ff/${orphanSha}`]);

    const repaired = await fsck({ repair: true });
    expect(repaired.removed).toEqual([`bundles/ff/${orphanSha}`]);
    expect(fs.existsSync(orphan)).toBe(false);
    expect(fs.existsSync(a.bundle)).toBe(true); // a corrupted file is evidence, not garbage
    expect((await fsck()).orphans).toEqual([]);
  });

  it('counts a file gone between the listing and its reading as missing, not as a failure of the check', async () => {
    const a = await importOne(`ai.fsck.race${Date.now().toString(36)}`);
    // A dangling link in the file's place: listed, then not there when read (as a file a delete removes meanwhile).
    fs.rmSync(a.bundle);
    fs.symlinkSync(path.join(dir(), 'no-such-file'), a.bundle);
    const report = await fsck();
    expect(report.missing).toContainEqual({ file: path.relative(dir(), a.bundle), apps: [expect.stringMatching(/^ai\.fsck\.race.* 1\.0\.0$/)] });
    expect(report.corrupted.map((c) => c.file)).not.toContain(path.relative(dir(), a.bundle));
    fs.rmSync(a.bundle);
  });

  it('marks the version whose files are missing or corrupted broken, saying which, and clears it once they are back', async () => {
    await fsck({ repair: true });
    const gone = await importOne(`ai.fsck.broken${Date.now().toString(36)}`);
    const flipped = await importOne(`ai.fsck.flipped${Date.now().toString(36)}`);
    const reasonOf = (bundle: string) =>
      (getDb().$client.prepare('select broken_reason as r from apps where bundle_sha256 = ?').get(path.basename(bundle)) as { r: string | null }).r;
    const bundleBytes = fs.readFileSync(gone.bundle);
    const iconBytes = fs.readFileSync(flipped.asset);
    fs.rmSync(gone.bundle);
    fs.chmodSync(flipped.asset, 0o644);
    fs.writeFileSync(flipped.asset, Buffer.concat([iconBytes, Buffer.from('x')]));

    const report = await fsck();
    expect(report.broken.map((b) => b.id)).toEqual(expect.arrayContaining([gone.id, flipped.id])); // (and the first test's)
    expect(report.broken.find((b) => b.id === gone.id)).toEqual({ id: gone.id, name: expect.stringMatching(/^ai\.fsck\.broken/), version: '1.0.0' });
    expect(reasonOf(gone.bundle)).toMatch(new RegExp(`^The storage check on \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC found that its bundle is missing \\(${path.relative(dir(), gone.bundle)}\\)\\.$`));
    expect(reasonOf(flipped.bundle)).toMatch(new RegExp(`its image is corrupted \\(${path.relative(dir(), flipped.asset)}\\)`));

    fs.writeFileSync(gone.bundle, bundleBytes);
    fs.writeFileSync(flipped.asset, iconBytes);
    const again = await fsck();
    expect(again.broken.map((b) => b.id)).not.toContain(gone.id);
    expect(again.broken.map((b) => b.id)).not.toContain(flipped.id);
    expect(reasonOf(gone.bundle)).toBeNull();
    expect(reasonOf(flipped.bundle)).toBeNull();
  });

  it('reports a corrupted database page, on the server\'s thread and in the worker fsck uses', async () => {
    const file = path.join(testDir('fsck-db-'), 'x.db');
    const db = new Database(file);
    db.exec('create table t (id integer primary key, v text); create index t_v on t(v);');
    const insert = db.prepare('insert into t (v) values (?)');
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run(`value ${i} `.repeat(5));
    })();
    db.close();
    const bytes = fs.readFileSync(file);
    const pageSize = bytes.readUInt16BE(16);
    for (let i = 0; i < 200; i++) bytes[pageSize * 3 + 100 + i] = 0xa5; // scribble over a b-tree page
    fs.writeFileSync(file, bytes);
    const broken = new Database(file, { readonly: true });
    const problems = integrityProblems(broken);
    expect(problems.length).toBeGreaterThan(0);
    broken.close();
    expect(await integrityProblemsOffThread(file)).toEqual(problems);
    expect(await integrityProblemsOffThread(path.join(path.dirname(file), 'absent.db'))).toEqual([expect.stringContaining('could not be read')]);
  });

  it('runs the check in the worker at the lowest priority (Linux: of its own thread only), leaving the server at its own', async () => {
    const file = path.join(testDir('fsck-nice-'), 'x.db');
    new Database(file).exec('create table t (id integer primary key)').close();
    const before = os.getPriority();
    const { problems, priority } = await integrityCheckOffThread(file, 'quick_check');
    expect(problems).toEqual([]);
    expect(priority).toBe(process.platform === 'linux' ? 19 : null);
    expect(os.getPriority()).toBe(before);
  });
});
