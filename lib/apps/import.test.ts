import fs from 'node:fs';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import JSZip from 'jszip';
import { eq } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db';
import { appAssets, appLongDescriptions, appNames, apps, appTags, auditLog, tags } from '@/db/schema';
import { compileMarkdown, MARKDOWN_PIPELINE } from '@/lib/catalog/markdown';
import type { Viewer } from '@/lib/auth/policy';
import { AppError } from '@/lib/errors';
import { seedRuntimeVersions } from '@/lib/runtimes/catalog';
import { assetPath, bundlePath, stagingDir } from '@/lib/storage/paths';
import { stageStream } from '@/lib/storage/staging';
import { insertUser, useTempDataDir, viewerOf } from '@/lib/testing/db';
import { importStagedBundle } from './import';
import { deleteAppVersionWithFiles } from './settings';
import { setEnv } from '@/lib/testing/env';

// Count how often a bundle is opened: an import reads it once.
const openings = vi.hoisted(() => ({ count: 0 }));
vi.mock('@/lib/bundle/zip-reader', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/lib/bundle/zip-reader')>();
  return {
    ...real,
    openBundle: (...args: Parameters<typeof real.openBundle>) => {
      openings.count++;
      return real.openBundle(...args);
    },
  };
});

useTempDataDir();
beforeAll(() => seedRuntimeVersions());

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let counter = 0;
const uniqueName = (p = 'ai.test.app') => `${p}${++counter}x${Date.now().toString(36)}`;

async function stage(files: Record<string, string | Buffer>) {
  const zip = new JSZip();
  for (const [name, content] of Object.entries(files)) zip.file(name, content);
  const buffer = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
  return stageStream(Readable.from([buffer]), 10_000_000);
}

const waveToml = (name: string, version = '1.0.0', extra = '') =>
  `[App]\nName = "${name}"\nVersion = "${version}"\nTitle = "T ${name}"\n${extra}\n[Runtime]\nModule = "app"\n`;

const stagedLeft = () => (fs.existsSync(stagingDir()) ? fs.readdirSync(stagingDir()) : []);

afterEach(() => {
  setEnv({ APP_VERSION_LIMIT: undefined, ALLOWED_CUSTOM_IMAGE_REGEXES: undefined, PUBLIC_MODE: undefined });
});

const rowsNamed = (name: string) => getDb().select().from(apps).where(eq(apps.name, name)).all();
const ownerOf = (name: string) => getDb().select().from(appNames).where(eq(appNames.name, name)).get()?.ownerId;

describe('a Name belongs to its first importer', () => {
  it("refuses another user's version of an owned Name, and stores nothing of it", async () => {
    const [alice, bob] = [viewerOf(insertUser()), viewerOf(insertUser())];
    const name = uniqueName();
    await importStagedBundle(alice, await stage({ 'app.toml': waveToml(name, '1.0.0') }));
    const staged = await stage({ 'app.toml': waveToml(name, '2.0.0'), 'static/icon.png': Buffer.concat([PNG, Buffer.from(name)]) });
    const refused = await importStagedBundle(bob, staged).catch((e) => e);
    expect(refused).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining(`The app name ${name} is not available to you`) });
    expect(rowsNamed(name).map((a) => [a.version, a.ownerId])).toEqual([['1.0.0', alice.id]]);
    expect(ownerOf(name)).toBe(alice.id);
    expect(fs.existsSync(bundlePath(staged.sha256))).toBe(false);
    expect(stagedLeft()).toEqual([]);
  });

  it('lets the owner and administrators add versions', async () => {
    const alice = viewerOf(insertUser());
    const admin = viewerOf(insertUser({ isAdmin: true }), { isAdmin: true });
    const name = uniqueName();
    await importStagedBundle(alice, await stage({ 'app.toml': waveToml(name, '1.0.0') }));
    await importStagedBundle(alice, await stage({ 'app.toml': waveToml(name, '1.1.0') }));
    await importStagedBundle(admin, await stage({ 'app.toml': waveToml(name, '2.0.0') }));
    expect(rowsNamed(name).map((a) => a.version).sort()).toEqual(['1.0.0', '1.1.0', '2.0.0']);
    expect(ownerOf(name)).toBe(alice.id);
  });

  it('stays owned after its last version is deleted', async () => {
    const [alice, bob] = [viewerOf(insertUser()), viewerOf(insertUser())];
    const name = uniqueName();
    const { app } = await importStagedBundle(alice, await stage({ 'app.toml': waveToml(name, '1.0.0') }));
    await deleteAppVersionWithFiles(alice, app.id);
    expect(rowsNamed(name)).toEqual([]);
    await expect(importStagedBundle(bob, await stage({ 'app.toml': waveToml(name, '1.0.0') }))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(rowsNamed(name)).toEqual([]);
    const again = await importStagedBundle(alice, await stage({ 'app.toml': waveToml(name, '1.0.1') }));
    expect(again.app.ownerId).toBe(alice.id);
  });
});

describe('PUBLIC visibility at import', () => {
  it('is refused without public mode, and nothing is stored', async () => {
    const user = viewerOf(insertUser());
    const name = uniqueName();
    const staged = await stage({ 'app.toml': waveToml(name) });
    const refused = (await importStagedBundle(user, staged, { visibility: 'PUBLIC' }).catch((e) => e)) as AppError;
    expect(refused).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/PUBLIC_MODE=true/) });
    expect(refused.errors).toEqual([{ path: 'visibility', message: expect.any(String) }]);
    expect(rowsNamed(name)).toEqual([]);
    expect(ownerOf(name)).toBeUndefined();
    expect(fs.existsSync(bundlePath(staged.sha256))).toBe(false);
  });

  it('is accepted in public mode', async () => {
    setEnv({ PUBLIC_MODE: 'true' });
    const { app } = await importStagedBundle(viewerOf(insertUser()), await stage({ 'app.toml': waveToml(uniqueName()) }), { visibility: 'public' });
    expect(app.visibility).toBe('PUBLIC');
  });
});

describe('a failed commit', () => {
  it('removes the bundle and images it had placed, and leaves no row', async () => {
    const user = viewerOf(insertUser());
    const name = uniqueName();
    const icon = Buffer.concat([PNG, Buffer.from(`icon of ${name}`)]);
    const shot = Buffer.concat([PNG, Buffer.from(`screenshot of ${name}`)]);
    const staged = await stage({ 'app.toml': waveToml(name), 'static/icon.png': icon, 'static/screenshot1.png': shot });
    // Fails the transaction at its first insert of this app's row, after every file was placed.
    const sqlite = getDb().$client;
    sqlite.exec(`CREATE TRIGGER fail_import BEFORE INSERT ON apps WHEN NEW.name = '${name}' BEGIN SELECT RAISE(ABORT, 'injected commit failure'); END;`);
    try {
      await expect(importStagedBundle(user, staged)).rejects.toThrow(/injected commit failure/);
    } finally {
      sqlite.exec('DROP TRIGGER fail_import');
    }
    expect(rowsNamed(name)).toEqual([]);
    expect(ownerOf(name)).toBeUndefined();
    expect(fs.existsSync(bundlePath(staged.sha256))).toBe(false);
    for (const image of [icon, shot]) expect(fs.existsSync(assetPath(sha256(image)))).toBe(false);
    expect(stagedLeft()).toEqual([]);
  });
});

describe('importStagedBundle', () => {
  it('stores the bundle and assets content-addressed and commits every row', async () => {
    const user = viewerOf(insertUser());
    const name = uniqueName();
    const staged = await stage({
      'app.toml': waveToml(name, '1.0.0', 'LongDescription = "about.md"'),
      'about.md': '# Hello',
      'static/icon.png': PNG,
      'static/screenshot10.png': Buffer.concat([PNG, Buffer.from('10')]),
      'static/screenshot2.png': Buffer.concat([PNG, Buffer.from('2')]),
      'app.py': 'print(1)',
    });
    const opened = openings.count;
    const { app } = await importStagedBundle(user, staged, { visibility: 'ALL_USERS' });
    expect(openings.count - opened).toBe(1); // the bundle is opened and checked once; the images come from that reading
    expect(app).toMatchObject({ name, version: '1.0.0', visibility: 'ALL_USERS', longDescription: '# Hello', runtimeVersion: 'deb11_py310_wlatest' });
    expect(fs.existsSync(bundlePath(staged.sha256))).toBe(true);
    expect(fs.existsSync(staged.path)).toBe(false);
    const assets = getDb().select().from(appAssets).where(eq(appAssets.appId, app.id)).all();
    expect(assets.map((a) => [a.kind, a.position])).toEqual(expect.arrayContaining([['icon', 0], ['screenshot', 0], ['screenshot', 1]]));
    for (const a of assets) expect(fs.existsSync(assetPath(a.sha256))).toBe(true);
    // Natural order: screenshot2 before screenshot10.
    const shot0 = assets.find((a) => a.kind === 'screenshot' && a.position === 0)!;
    expect(fs.readFileSync(assetPath(shot0.sha256)).subarray(-1).toString()).toBe('2');
    // The LongDescription compiled once, with the version: no page view parses it.
    const compiled = getDb().select().from(appLongDescriptions).where(eq(appLongDescriptions.appId, app.id)).get();
    expect(compiled).toMatchObject({ pipeline: MARKDOWN_PIPELINE, compiled: compileMarkdown('# Hello'), sourceSha256: createHash('sha256').update('# Hello').digest('base64url') });
  });

  it('refuses a visitor and leaves nothing behind', async () => {
    const user = viewerOf(insertUser(), { fullAccess: false });
    const staged = await stage({ 'app.toml': waveToml(uniqueName()) });
    await expect(importStagedBundle(user, staged)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(fs.existsSync(staged.path)).toBe(false);
  });

  it('refuses an invalid bundle with every error and stores no file', async () => {
    const user = viewerOf(insertUser());
    const staged = await stage({ 'app.toml': `[App]\nName = "x"\nVersion = "nope"\n[Runtime]\nMemoryLimit = "lots"\n` });
    const error = (await importStagedBundle(user, staged).catch((e) => e)) as AppError;
    expect(error.code).toBe('INVALID_BUNDLE');
    expect(error.errors.map((e) => e.path)).toEqual(expect.arrayContaining(['App.Version', 'Runtime.MemoryLimit', 'Runtime.Module']));
    expect(fs.existsSync(bundlePath(staged.sha256))).toBe(false);
    expect(stagedLeft()).toEqual([]);
  });

  it('reports every problem in one answer: manifest, contents, runtime, secrets and the version limit', async () => {
    setEnv({ APP_VERSION_LIMIT: '1' });
    const user = viewerOf(insertUser());
    await importStagedBundle(user, await stage({ 'app.toml': waveToml(uniqueName()) }));
    const toml =
      `[App]\nName = "${uniqueName()}"\nVersion = "1.0"\nLongDescription = "about.md"\n\n[Runtime]\nModule = "app"\nRuntimeVersion = "deb99_py99"\n\n` +
      `[[Env]]\nName = "TOKEN"\nSecret = "not-there"\nSecretKey = "token"\n`;
    const error = (await importStagedBundle(user, await stage({ 'app.toml': toml })).catch((e) => e)) as AppError;
    expect(error.code).toBe('INVALID_BUNDLE');
    expect(error.errors.map((e) => e.path)).toEqual(
      expect.arrayContaining(['App.Version', 'App.LongDescription', 'Runtime.RuntimeVersion', 'Env[0].Secret', 'bundle']),
    );
    expect(error.errors.find((e) => e.path === 'bundle')?.message).toMatch(/APP_VERSION_LIMIT/);
  });

  it("does not tell whether a version exists under another user's Name", async () => {
    const owner = viewerOf(insertUser());
    const name = uniqueName();
    await importStagedBundle(owner, await stage({ 'app.toml': waveToml(name) }));
    const other = viewerOf(insertUser());
    const error = (await importStagedBundle(other, await stage({ 'app.toml': waveToml(name).replace('Title', 'LongDescription = "x.md"\nTitle') })).catch((e) => e)) as AppError;
    expect(error.errors.map((e) => e.path).sort()).toEqual(['App.LongDescription', 'App.Name']);
    expect(JSON.stringify(error.errors)).not.toMatch(/already exists/);
  });

  it('enforces APP_VERSION_LIMIT for non-admins only', async () => {
    setEnv({ APP_VERSION_LIMIT: '2' });
    const user = viewerOf(insertUser());
    const name = uniqueName();
    for (const v of ['1.0.0', '1.1.0']) await importStagedBundle(user, await stage({ 'app.toml': waveToml(name, v) }));
    const third = await importStagedBundle(user, await stage({ 'app.toml': waveToml(name, '1.2.0') })).catch((e) => e);
    expect(third).toMatchObject({ code: 'LIMIT_REACHED' });
    expect((third as Error).message).toMatch(/limit on this portal \(APP_VERSION_LIMIT\)/);
    const admin = viewerOf(insertUser({ isAdmin: true }), { isAdmin: true });
    const adminName = uniqueName();
    for (const v of ['1.0.0', '1.1.0', '1.2.0']) await importStagedBundle(admin, await stage({ 'app.toml': waveToml(adminName, v) }));
  });

  it('lets only admins import container apps, from allowed images only', async () => {
    const toml = (name: string, image: string) =>
      `[App]\nName = "${name}"\nVersion = "1.0.0"\n[Runtime]\nAppMode = "container"\nCustomImage = "${image}"\nPort = 8080\n`;
    const user = viewerOf(insertUser());
    await expect(importStagedBundle(user, await stage({ 'app.toml': toml(uniqueName(), 'registry.ok/app:1') }))).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const admin = viewerOf(insertUser({ isAdmin: true }), { isAdmin: true });
    const refused = (await importStagedBundle(admin, await stage({ 'app.toml': toml(uniqueName(), 'registry.ok/app:1') })).catch((e) => e)) as AppError;
    expect(refused.code).toBe('INVALID_BUNDLE');
    expect(refused.errors[0]).toMatchObject({ path: 'Runtime.CustomImage' });
    setEnv({ ALLOWED_CUSTOM_IMAGE_REGEXES: '^registry\\.ok/' });
    const { app } = await importStagedBundle(admin, await stage({ 'app.toml': toml(uniqueName(), 'registry.ok/app:1') }));
    expect(app.kind).toBe('container');
  });

  it('refuses an unknown runtime version with the known names', async () => {
    const user = viewerOf(insertUser());
    const staged = await stage({ 'app.toml': waveToml(uniqueName()).replace('Module = "app"', 'Module = "app"\nRuntimeVersion = "deb99_py99"') });
    const error = (await importStagedBundle(user, staged).catch((e) => e)) as AppError;
    expect(error.code).toBe('INVALID_BUNDLE');
    expect(error.errors.find((e) => e.path === 'Runtime.RuntimeVersion')?.message).toMatch(/deb11_py310_wlatest/);
  });

  it('assigns existing tags the importer may assign and warns about the rest', async () => {
    const user = viewerOf(insertUser());
    const db = getDb();
    const n = ++counter;
    const open = `OPEN_${n}`;
    const guarded = `GUARDED_${n}`;
    db.insert(tags).values({ id: `t-open-${n}`, name: open, title: 'Open' }).run();
    db.insert(tags).values({ id: `t-guarded-${n}`, name: guarded, title: 'Guarded', adminRoles: ['curator'] }).run();
    const staged = await stage({ 'app.toml': waveToml(uniqueName(), '1.0.0', `Tags = ["${open}", "${guarded}", "MISSING"]`) });
    const { app, warnings } = await importStagedBundle(user, staged);
    const assigned = db.select().from(appTags).where(eq(appTags.appId, app.id)).all();
    expect(assigned.map((a) => a.tagId)).toEqual([`t-open-${n}`]);
    expect(warnings.map((w) => w.path)).toEqual(expect.arrayContaining(['App.Tags[1]', 'App.Tags[2]']));
    expect(app.requestedTags).toEqual([open, guarded, 'MISSING']);
    const audit = db.select().from(auditLog).where(eq(auditLog.targetId, app.id)).all();
    expect(audit).toEqual([
      expect.objectContaining({ action: 'app.import', actorId: user.id, details: expect.objectContaining({ visibility: 'PRIVATE', tags: [{ id: `t-open-${n}`, name: open }] }) }),
    ]);
  });

  it('assigns the category tag a legacy Category names, and otherwise names the category tags that exist', async () => {
    const user = viewerOf(insertUser());
    const db = getDb();
    const n = ++counter;
    db.insert(tags).values({ id: `t-cat-${n}`, name: `legacy-science-${n}`, title: `Legacy Science ${n}`, isCategory: true }).run();
    const matched = await importStagedBundle(user, await stage({ 'app.toml': waveToml(uniqueName(), '1.0.0', `Category = "Legacy Science ${n}"`) }));
    expect(db.select().from(appTags).where(eq(appTags.appId, matched.app.id)).all().map((a) => a.tagId)).toEqual([`t-cat-${n}`]);
    const notes = matched.warnings.filter((w) => w.path === 'App.Category');
    expect(notes).toEqual([{ path: 'App.Category', message: expect.stringContaining(`legacy-science-${n} ("Legacy Science ${n}") was assigned`) }]);

    const unmatched = await importStagedBundle(user, await stage({ 'app.toml': waveToml(uniqueName(), '1.0.0', 'category = "Telecommunications"') }));
    expect(db.select().from(appTags).where(eq(appTags.appId, unmatched.app.id)).all()).toEqual([]);
    const warning = unmatched.warnings.filter((w) => w.path.toLowerCase() === 'app.category');
    expect(warning).toHaveLength(1);
    expect(warning[0].message).toContain('matches no category tag');
    expect(warning[0].message).toContain(`legacy-science-${n} ("Legacy Science ${n}")`);
  });

  it('settles simultaneous imports of one Name and Version: one wins, the rest get the 409 message', async () => {
    const user = viewerOf(insertUser());
    const name = uniqueName();
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, async () => importStagedBundle(user, await stage({ 'app.toml': waveToml(name, '3.0.0') }))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'CONFLICT' });
    }
    expect(getDb().select().from(apps).where(eq(apps.name, name)).all()).toHaveLength(1);
    expect(stagedLeft()).toEqual([]);
  });

  it('deleting a version removes its bundle and images unless another version shares them', async () => {
    const user = viewerOf(insertUser());
    const name = uniqueName();
    const uniqueIcon = Buffer.concat([PNG, Buffer.from(name)]); // an icon no other test's app has
    const first = await importStagedBundle(user, await stage({ 'app.toml': waveToml(name, '1.0.0'), 'static/icon.png': uniqueIcon }));
    const second = await importStagedBundle(user, await stage({ 'app.toml': waveToml(name, '2.0.0'), 'static/icon.png': uniqueIcon }));
    const [icon] = getDb().select().from(appAssets).where(eq(appAssets.appId, first.app.id)).all();
    await deleteAppVersionWithFiles(user, first.app.id);
    expect(fs.existsSync(bundlePath(first.app.bundleSha256))).toBe(false);
    expect(fs.existsSync(assetPath(icon.sha256))).toBe(true); // the second version still shows it
    await deleteAppVersionWithFiles(user, second.app.id);
    expect(fs.existsSync(bundlePath(second.app.bundleSha256))).toBe(false);
    expect(fs.existsSync(assetPath(icon.sha256))).toBe(false);
  });
});
