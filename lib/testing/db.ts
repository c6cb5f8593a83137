// Test helper: each test file gets its own throwaway DATA_DIR and database.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { closeDb, getDb } from '@/db';
import { users, type User } from '@/db/schema';

export function useTempDataDir(): { dir: () => string } {
  let dir = '';
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'appstore-test-'));
    process.env.DATA_DIR = dir;
    getDb();
  });
  afterAll(() => {
    closeDb();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { dir: () => dir };
}

export function insertUser(values: Partial<User> = {}): User {
  const id = values.id ?? randomUUID();
  getDb()
    .insert(users)
    .values({ email: `${id}@test`, name: `User ${id.slice(0, 4)}`, ...values, id })
    .run();
  return getDb().query.users.findFirst({ where: (u, { eq }) => eq(u.id, id) }).sync()!;
}
