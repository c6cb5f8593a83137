import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { apps, secretValues, type ValueDeclaration } from '@/db/schema';
import type { Viewer } from '@/lib/auth/policy';
import { insertUser, useTempDataDir } from '@/lib/testing/db';
import { unseal } from './crypto';
import { newSecretSchema, secretPatchSchema } from './input';
import {
  createSecret,
  deleteSecret,
  findSecretById,
  findSecretByName,
  listMySecrets,
  listVisibleSecrets,
  updateSecret,
} from './store';

const data = useTempDataDir();

function viewer(opts: { isAdmin?: boolean; fullAccess?: boolean } = {}): Viewer {
  const u = insertUser({ isAdmin: opts.isAdmin ?? false });
  return { id: u.id, email: u.email, name: u.name, isAdmin: !!opts.isAdmin, roles: [], fullAccess: opts.fullAccess ?? true };
}

function insertApp(ownerId: string, env: ValueDeclaration[], files: ValueDeclaration[] = [], name = `app-${randomUUID()}`) {
  getDb()
    .insert(apps)
    .values({
      id: randomUUID(),
      name,
      version: '1.0.0',
      versionKey: '1.0.0',
      ownerId,
      kind: 'wave',
      title: name,
      instanceLifecycle: 'ON_DEMAND',
      runtime: {} as never,
      env,
      files,
      bundleSha256: 'x',
      bundleSize: 1,
    })
    .run();
  return name;
}

const VALUE = 'S3cr3t-value-that-must-never-show-' + randomUUID();

describe('secret store', () => {
  let alice: Viewer, bob: Viewer, admin: Viewer, visitor: Viewer;
  beforeAll(() => {
    [alice, bob, admin, visitor] = [viewer(), viewer(), viewer({ isAdmin: true }), viewer({ fullAccess: false })];
  });

  it('stores values encrypted: the raw database file never holds the value', () => {
    const created = createSecret(alice, { name: 'raw-check', visibility: 'PRIVATE', values: { password: VALUE } });
    getDb().$client.pragma('wal_checkpoint(TRUNCATE)');
    const files = fs.readdirSync(data.dir()).filter((f) => f.startsWith('appstore.db'));
    expect(files).toContain('appstore.db');
    for (const f of files) {
      const bytes = fs.readFileSync(path.join(data.dir(), f));
      expect(bytes.includes(Buffer.from(VALUE))).toBe(false);
      expect(bytes.includes(Buffer.from(VALUE, 'utf16le'))).toBe(false);
    }
    // …but what is stored decrypts to it with the key.
    const row = getDb().select().from(secretValues).where(eq(secretValues.secretId, created.id)).get()!;
    expect(unseal(created.id, 'password', row)).toBe(VALUE);
  });

  it('returns names, keys and dates only', () => {
    const created = createSecret(alice, { name: 'summary-check', visibility: 'PRIVATE', values: { a: VALUE, b: VALUE } });
    expect(created.keys.map((k) => k.key)).toEqual(['a', 'b']);
    const everything = [created, listMySecrets(alice), listVisibleSecrets(admin), findSecretByName(alice, 'summary-check')];
    const text = JSON.stringify(everything);
    expect(text).not.toContain(VALUE);
    expect(text).not.toMatch(/ciphertext|authTag|"iv"/);
  });

  it('lets full-access users create PRIVATE secrets only; admins create ALL_USERS and APP', () => {
    expect(() => createSecret(bob, { name: 'not-mine', visibility: 'ALL_USERS', values: { k: 'v' } })).toThrow(
      /Only administrators/,
    );
    expect(() => createSecret(visitor, { name: 'visitor', visibility: 'PRIVATE', values: { k: 'v' } })).toThrow(/visitor/);
    expect(() => listMySecrets(visitor)).toThrow(/visitor/);
    createSecret(admin, { name: 'team-db', visibility: 'ALL_USERS', values: { user: 'u', password: VALUE } });
    createSecret(admin, { name: 'app-key', visibility: 'APP', appName: 'market-app', values: { token: VALUE } });
    const bobSees = listMySecrets(bob);
    expect(bobSees.own).toEqual([]);
    expect(bobSees.shared.map((s) => [s.name, s.keys.map((k) => k.key)])).toEqual([['team-db', ['password', 'user']]]);
    expect(listVisibleSecrets(bob).map((s) => s.name)).toEqual(['team-db']);
    expect(listVisibleSecrets(admin).map((s) => s.name)).toEqual(
      expect.arrayContaining(['app-key', 'raw-check', 'team-db']),
    );
  });

  it('keeps names unique per scope: two users may each have "db", one user not twice', () => {
    createSecret(alice, { name: 'db', visibility: 'PRIVATE', values: { k: '1' } });
    createSecret(bob, { name: 'db', visibility: 'PRIVATE', values: { k: '2' } });
    expect(() => createSecret(alice, { name: 'db', visibility: 'PRIVATE', values: { k: '3' } })).toThrow(/already exists/);
    expect(findSecretByName(alice, 'db').ownerId).toBe(alice.id);
    expect(findSecretByName(bob, 'db').ownerId).toBe(bob.id);
  });

  it("hides another user's PRIVATE secret exactly like a missing one", () => {
    createSecret(alice, { name: 'alice-only', visibility: 'PRIVATE', values: { k: 'v' } });
    const err = (name: string) => {
      try {
        findSecretByName(bob, name);
      } catch (e) {
        return (e as Error).message.replace(name, 'N');
      }
    };
    expect(err('alice-only')).toBe(err('no-such-secret'));
    expect(() => findSecretByName(bob, 'app-key')).toThrow(/No secret/);
    const aliceSecret = findSecretByName(alice, 'alice-only');
    expect(() => findSecretById(bob, aliceSecret.id)).toThrow();
    expect(findSecretById(admin, aliceSecret.id).name).toBe('alice-only');
  });

  it('sets, replaces and removes keys; only the owner or an admin may', () => {
    const s = findSecretByName(alice, 'db');
    const before = getDb().select().from(secretValues).where(eq(secretValues.secretId, s.id)).get()!;
    const after = updateSecret(alice, s, secretPatchSchema.parse({ set: { k: 'new', extra: 'x' } }));
    expect(after.keys.map((k) => k.key)).toEqual(['extra', 'k']);
    const replaced = getDb().select().from(secretValues).where(eq(secretValues.secretId, s.id)).all();
    expect(unseal(s.id, 'k', replaced.find((r) => r.key === 'k')!)).toBe('new');
    expect(replaced.find((r) => r.key === 'k')!.iv.equals(before.iv)).toBe(false);
    expect(updateSecret(admin, s, secretPatchSchema.parse({ remove: ['extra'] })).keys.map((k) => k.key)).toEqual(['k']);
    expect(() => updateSecret(bob, s, secretPatchSchema.parse({ remove: ['k'] }))).toThrow(/owner/);
    expect(() => updateSecret(alice, s, secretPatchSchema.parse({ remove: ['nope'] }))).toThrow(/no key "nope"/);
    const shared = findSecretByName(bob, 'team-db');
    expect(() => updateSecret(bob, shared, secretPatchSchema.parse({ set: { user: 'x' } }))).toThrow(/owner/);
  });

  it('refuses to delete a secret (or remove a key) an imported app names, listing the apps', () => {
    createSecret(alice, { name: 'in-use', visibility: 'PRIVATE', values: { password: VALUE, spare: 'x' } });
    const s = findSecretByName(alice, 'in-use');
    // Bob's app naming "in-use" does not read Alice's secret, so it does not hold it.
    insertApp(bob.id, [{ name: 'P', secret: 'in-use', secretKey: 'password', optional: false }]);
    const app = insertApp(alice.id, [], [{ path: '/p', secret: 'in-use', secretKey: 'password', optional: true }]);
    expect(() => deleteSecret(alice, s)).toThrow(new RegExp(`still named by imported apps: ${app} 1\\.0\\.0\\.`));
    expect(() => updateSecret(alice, s, secretPatchSchema.parse({ remove: ['password'] }))).toThrow(app);
    updateSecret(alice, s, secretPatchSchema.parse({ remove: ['spare'] }));
    getDb().delete(apps).where(eq(apps.name, app)).run();
    deleteSecret(alice, s);
    expect(() => findSecretByName(alice, 'in-use')).toThrow();
    expect(getDb().select().from(secretValues).where(eq(secretValues.secretId, s.id)).all()).toEqual([]);
  });

  it('counts ALL_USERS references only from apps whose owner has no PRIVATE secret of that name', () => {
    createSecret(admin, { name: 'shared-x', visibility: 'ALL_USERS', values: { k: 'v' } });
    createSecret(bob, { name: 'shared-x', visibility: 'PRIVATE', values: { k: 'v' } });
    const shared = findSecretByName(admin, 'shared-x', 'shared');
    const bobsApp = insertApp(bob.id, [{ name: 'K', secret: 'shared-x', secretKey: 'k', optional: false }]);
    expect(() => findSecretByName(bob, 'shared-x', 'private')).not.toThrow();
    deleteSecret(admin, shared); // Bob's app reads Bob's own secret
    createSecret(admin, { name: 'shared-x', visibility: 'ALL_USERS', values: { k: 'v' } });
    const alicesApp = insertApp(alice.id, [{ name: 'K', secret: 'shared-x', secretKey: 'k', optional: false }]);
    expect(() => deleteSecret(admin, findSecretByName(admin, 'shared-x', 'shared'))).toThrow(alicesApp);
    expect(bobsApp).not.toBe(alicesApp);
  });
});

describe('secret input', () => {
  it('validates names, keys and the APP app Name', () => {
    const bad = newSecretSchema.safeParse({ name: 'My_Secret', values: { 'bad key': 'v' } });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['name', 'values.bad key']));
    expect(newSecretSchema.safeParse({ name: 'a'.repeat(64), values: { k: 'v' } }).success).toBe(false);
    expect(newSecretSchema.safeParse({ name: 'db.prod-1', values: { 'KEY_1.x-y': 'v' } }).success).toBe(true);
    expect(newSecretSchema.safeParse({ name: 'db', values: {} }).success).toBe(false);
    expect(newSecretSchema.safeParse({ name: 'db', visibility: 'APP', values: { k: 'v' } }).success).toBe(false);
    expect(newSecretSchema.safeParse({ name: 'db', visibility: 'APP', appName: 'my-app', values: { k: 'v' } }).success).toBe(
      true,
    );
    expect(newSecretSchema.safeParse({ name: 'db', values: { k: 'x'.repeat(64 * 1024 + 1) } }).success).toBe(false);
  });

  it('never echoes a value in a validation message', () => {
    const result = newSecretSchema.safeParse({ name: 'db', values: { k: VALUE + 'x'.repeat(70000) } });
    expect(JSON.stringify(result.error!.issues.map((i) => i.message))).not.toContain(VALUE);
  });
});
