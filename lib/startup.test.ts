// The start-up sweep of unreferenced files runs only on a sound database: a damaged table hides the rows
// that need its files, and those files would be deleted as "unreferenced".
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { insertAppRow, insertUser, useTempDataDir } from '@/lib/testing/db';
import { damageTable } from '@/lib/testing/damage-db';
import { sweepOrphansIfSound } from './startup';

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
