// The storage check on a portal database with a damaged table page: a report, never a crash, and a repair
// that removes nothing (rows the damage hides may still need the "unreferenced" files). And the last
// report outlives a restart.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { damageTable } from '@/lib/testing/damage-db';
import { insertAppRow, insertUser, useTempDataDir } from '@/lib/testing/db';
import { fsck, lastFsck } from './fsck';

const { dir } = useTempDataDir();

describe('fsck on a damaged database', () => {
  it('keeps the last report across a restart', async () => {
    const report = await fsck();
    const at = lastFsck()!.at;
    delete (globalThis as { __appstoreLastFsck?: unknown }).__appstoreLastFsck; // what a restart forgets
    expect(lastFsck()).toEqual({ at, report });
    expect(fs.statSync(path.join(dir(), 'storage-check.json')).mode & 0o777).toBe(0o600);
  });

  it('reports the damage instead of failing, and --repair removes nothing', async () => {
    const owner = insertUser();
    const sha = 'a'.repeat(64);
    insertAppRow({ ownerId: owner.id, name: 'ai.damaged', bundleSha256: sha });
    const bundle = path.join(dir(), 'bundles', sha.slice(0, 2), sha);
    fs.mkdirSync(path.dirname(bundle), { recursive: true });
    fs.writeFileSync(bundle, 'not what its name says'); // corrupted: still found without the rows
    const orphanSha = createHash('sha256').update('no row names me').digest('hex');
    const orphan = path.join(dir(), 'assets', orphanSha.slice(0, 2), orphanSha);
    fs.mkdirSync(path.dirname(orphan), { recursive: true });
    fs.writeFileSync(orphan, 'no row names me'); // sound, and unreferenced (but a damaged table may hide its row)
    damageTable(dir(), 'apps');
    expect(() => getDb().$client.prepare('select * from apps').all()).toThrow(/malformed|corrupt/i);

    const report = await fsck({ repair: true });
    expect(report.ok).toBe(false);
    expect(report.database).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^the rows could not be read \(.*malformed.*\): every stored file was checked against its name only/),
        expect.stringMatching(/^nothing was removed \(repair\): the database must be sound first/),
      ]),
    );
    expect(report.database.length).toBeGreaterThan(2); // and integrity_check's own findings
    expect(report.corrupted.map((c) => c.file)).toEqual([`bundles/aa/${sha}`]);
    expect(report.orphans).toEqual([]); // unknown: not claimed
    expect(report.removed).toEqual([]);
    expect(fs.existsSync(orphan)).toBe(true);
    expect(fs.existsSync(bundle)).toBe(true);
    expect(lastFsck()!.report).toEqual(report);
  });
});
