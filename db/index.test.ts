import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from './index';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('openDb', () => {
  it('keeps the database and its WAL files readable by the portal user only', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'appstore-db-mode-'));
    dirs.push(dir);
    const file = path.join(dir, 'appstore.db');
    // A database left world-readable by an older version is narrowed too.
    fs.writeFileSync(file, '');
    fs.chmodSync(file, 0o644);
    const db = openDb(dir);
    db.$client.exec('CREATE TABLE IF NOT EXISTS t (x); INSERT INTO t VALUES (1)');
    for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(fs.statSync(f).mode & 0o777, f).toBe(0o600);
    db.$client.close();
  });
});
