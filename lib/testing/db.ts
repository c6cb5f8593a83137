// Test helper: each test file gets its own throwaway DATA_DIR and database.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { closeDb, getDb } from '@/db';
import { dataDir } from '@/lib/config';
import { setEnv } from './env';
import { apps, appTags, users, type NewApp, type User } from '@/db/schema';
import type { Viewer } from '@/lib/auth/policy';

export function useTempDataDir(): { dir: () => string } {
  let dir = '';
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'appstore-test-'));
    setEnv({ DATA_DIR: dir });
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

/** Inserts an app version row directly (no bundle on disk), with optional tags; returns its id. */
export function insertAppRow(values: Partial<NewApp> & { ownerId: string }, tagIds: string[] = []): string {
  const id = values.id ?? randomUUID();
  const version = values.version ?? '1.0.0';
  getDb()
    .insert(apps)
    .values({
      name: `app-${id.slice(0, 8)}`,
      versionKey: version,
      kind: 'wave',
      title: values.name ?? 'An app',
      instanceLifecycle: 'ON_DEMAND',
      runtime: {} as NewApp['runtime'],
      env: [],
      files: [],
      bundleSha256: 'x',
      bundleSize: 1,
      ...values,
      id,
      version,
    })
    .run();
  for (const tagId of tagIds) getDb().insert(appTags).values({ appId: id, tagId }).run();
  return id;
}

/** The viewer of a user row, full access unless `over` says otherwise. */
export function viewerOf(user: Pick<User, 'id' | 'email' | 'name' | 'isAdmin' | 'roles'>, over: Partial<Viewer> = {}): Viewer {
  return { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin, roles: user.roles, fullAccess: true, ...over };
}

/** Every row of every table (and the stored files' names), to show that a refused action changed nothing. */
export function snapshotStore(): string {
  const sqlite = getDb().$client;
  const tables = sqlite
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .all() as { name: string }[];
  const rows = Object.fromEntries(tables.map(({ name }) => [name, sqlite.prepare(`SELECT * FROM "${name}"`).raw().all()]));
  const files = fs.existsSync(dataDir())
    ? (fs.readdirSync(dataDir(), { recursive: true }) as string[]).filter((f) => !f.startsWith('appstore.db')).sort()
    : [];
  return JSON.stringify({ rows, files }, (_k, v) => (Buffer.isBuffer(v) ? v.toString('base64') : typeof v === 'bigint' ? String(v) : v));
}

/** Runs a call that must be refused, and fails if it changed any row or stored file. Returns its answer. */
export async function refusedWithoutChange<T>(call: () => Promise<T> | T): Promise<T> {
  const before = snapshotStore();
  const result = await call();
  const after = snapshotStore();
  if (after !== before) throw new Error('A refused call changed the database or the stored files.');
  return result;
}
