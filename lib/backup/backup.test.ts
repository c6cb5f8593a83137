// What a backup says about what it does not hold: files already missing from storage (not fatal), and
// instance volumes (never backed up); the archive still restores, and the restore says both.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { importStagedBundle } from '@/lib/apps/import';
import { createInstance } from '@/lib/instances/store';
import { seedRuntimeVersions } from '@/lib/runtimes/catalog';
import { bundlePath } from '@/lib/storage/paths';
import { stageStream } from '@/lib/storage/staging';
import { insertUser, useTempDataDir } from '@/lib/testing/db';
import { backupStream } from './backup';
import { restoreArchive } from './restore';

const { dir } = useTempDataDir();

async function importOne(name: string, viewer: Parameters<typeof importStagedBundle>[0]) {
  const zip = new JSZip();
  zip.file('app.toml', `[App]\nName = "${name}"\nVersion = "1.0.0"\n[Runtime]\nModule = "app"\nVolumeMount = "/data"\n`);
  zip.file('app.py', `print("${name}")`);
  const staged = await stageStream(Readable.from([await zip.generateAsync({ type: 'nodebuffer' })]), 10_000_000);
  return (await importStagedBundle(viewer, staged, {})).app;
}

describe('backup', () => {
  it('names files already missing and instance volumes it leaves out; the archive restores all the rest', async () => {
    seedRuntimeVersions();
    const user = insertUser({ isAdmin: true });
    const viewer = { id: user.id, email: user.email, name: user.name, isAdmin: true, roles: [], fullAccess: true };
    const kept = await importOne(`ai.backup.kept${Date.now().toString(36)}`, viewer);
    const lost = await importOne(`ai.backup.lost${Date.now().toString(36)}`, viewer);
    fs.rmSync(bundlePath(lost.bundleSha256));
    const instance = createInstance(viewer, { appId: kept.id }, { publicMode: false, fullAccessRole: '' });
    fs.mkdirSync(path.join(dir(), 'runner', 'volumes', instance.id), { recursive: true });
    fs.writeFileSync(path.join(dir(), 'runner', 'volumes', instance.id, 'state.json'), '{}');
    fs.mkdirSync(path.join(dir(), 'runner', 'volumes', 'terminated-long-ago'), { recursive: true });

    const target = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'backup-restore-')), 'data');
    const manifest = await restoreArchive(await backupStream(), target);
    expect(manifest.missingFromStorage).toEqual([path.relative(dir(), bundlePath(lost.bundleSha256))]);
    expect(manifest.volumesNotIncluded).toEqual([instance.id]);
    expect(fs.existsSync(path.join(target, path.relative(dir(), bundlePath(kept.bundleSha256))))).toBe(true);
    expect(fs.existsSync(path.join(target, 'runner'))).toBe(false);
    expect(getDb().$client.prepare('select count(*) as n from apps').get()).toEqual({ n: 2 });
  });
});
