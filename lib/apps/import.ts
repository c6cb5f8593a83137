// Importing a staged bundle: judge it once (the same inspection as the CLI, keeping the accepted images),
// check who may import what, place the bundle and assets content-addressed, then commit every row in one
// immediate transaction.
import 'server-only';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { and, count, eq, inArray } from 'drizzle-orm';
import { getDb } from '@/db';
import { retryWhileBusy } from '@/db/retry';
import { appAssets, appLongDescriptions, appNames, apps, appTags, tags, type App, type Visibility } from '@/db/schema';
import { writeAudit } from '@/lib/audit/audit';
import {
  canAssignTag,
  canEditApp,
  canImportApps,
  canImportContainerApps,
  canImportVersionOf,
  IMPORT_NEEDS_FULL_ACCESS,
  versionLimitApplies,
  type Viewer,
} from '@/lib/auth/policy';
import { inspectBundle, type BundleImage } from '@/lib/bundle/inspect';
import { versionKey } from '@/lib/catalog/version-order';
import { allowedCustomImageRegexes, appVersionLimit, publicMode } from '@/lib/config';
import { sha256File } from '@/lib/backup/manifest';
import { AppError, type Problem } from '@/lib/errors';
import type { Manifest } from '@/lib/manifest';
import { parseVisibility, visibilityChangeProblem } from './visibility';
import { resolveRuntimeVersion } from '@/lib/runtimes/import-check';
import { checkSecretReferences } from '@/lib/secrets/import-check';
import { matchLegacyCategory } from '@/lib/tags/legacy-category';
import { placeFile, sha256Hex, writeFileAtomic } from '@/lib/storage/files';
import { withStorageLock } from '@/lib/storage/lock';
import { releaseStagedBytes } from '@/lib/storage/staged-bytes';
import { assetPath, bundlePath } from '@/lib/storage/paths';
import { appUrl } from '@/lib/urls';
import type { StagedFile } from '@/lib/storage/staging';
import { removeUnreferencedFiles } from '@/lib/storage/sweep';
import { isUniqueViolation } from '@/db/errors';
import type { compiledForImport } from './long-description-cache';

/** What the Import app form shows after a successful import: the confirmation and where to go next. */
export interface ImportedApp {
  id: string;
  name: string;
  version: string;
  title: string;
  visibility: string;
}

export interface ImportResult {
  app: App;
  warnings: Problem[];
}

/** An accepted image with its content address. */
type StoredImage = BundleImage & { sha256: string };

/** Only said to those who may import versions of the Name (owner, admins), who may also open the existing one. */
const duplicateVersion = (m: { name: string; version: string }) =>
  new AppError(
    'CONFLICT',
    `${m.name} version ${m.version} already exists. Imported versions are immutable: bump App.Version in app.toml and import again.`,
    [],
    [],
    {},
    { href: appUrl(m.name, m.version), label: `Open ${m.name} ${m.version}` },
  );

/** The same answer for every Name the importer may not use: it never says whose it is or what it holds. */
const notYourName = (name: string) =>
  new AppError(
    'FORBIDDEN',
    `The app name ${name} is not available to you: a Name belongs to the user who first imported it. Choose a different App.Name.`,
  );

const limitReached = (limit: number) =>
  new AppError(
    'LIMIT_REACHED',
    `You already hold ${limit} imported app versions, the limit on this portal (APP_VERSION_LIMIT). Delete versions you no longer need on My Apps, then import again.`,
  );

/** Container apps: admins only, and only from an image the administrator allowed. */
function checkContainer(viewer: Viewer, manifest: Manifest): Problem[] {
  if (manifest.kind !== 'container') return [];
  if (!canImportContainerApps(viewer)) {
    throw new AppError('FORBIDDEN', 'Container apps (Runtime.AppMode = "container") may be imported only by administrators.');
  }
  const image = manifest.runtime.customImage;
  if (!image) return [{ path: 'Runtime.CustomImage', message: 'A container app needs Runtime.CustomImage.' }];
  const allowed = allowedCustomImageRegexes();
  if (!allowed.some((re) => re.test(image))) {
    return [
      {
        path: 'Runtime.CustomImage',
        message:
          allowed.length === 0
            ? `Image ${image} is not allowed: no container registries are allowed on this portal (ALLOWED_CUSTOM_IMAGE_REGEXES is empty).`
            : `Image ${image} matches none of the allowed image patterns (ALLOWED_CUSTOM_IMAGE_REGEXES).`,
      },
    ];
  }
  return [];
}

/**
 * Tags named in app.toml that exist and the importer may assign; the rest become warnings. The legacy
 * App.Category becomes the category tag it names: its generic warning (in `warningsSoFar`, from the
 * manifest check) is taken out and replaced by what was done.
 */
function resolveRequestedTags(
  viewer: Viewer,
  manifest: Pick<Manifest, 'tags' | 'legacyCategory'>,
  warningsSoFar: Problem[],
): { tagIds: string[]; warnings: Problem[] } {
  const requested = manifest.tags;
  const all = getDb().select().from(tags).all();
  const tagIds: string[] = [];
  const warnings: Problem[] = [];
  requested.forEach((name, i) => {
    const tag = all.find((t) => t.name === name) ?? all.find((t) => t.name.toLowerCase() === name.toLowerCase());
    if (!tag) {
      warnings.push({ path: `App.Tags[${i}]`, message: `No tag named ${JSON.stringify(name)} exists on this portal; it was not assigned.` });
    } else if (!canAssignTag(viewer, tag)) {
      warnings.push({ path: `App.Tags[${i}]`, message: `You may not assign the tag ${JSON.stringify(tag.name)}; it was not assigned.` });
    } else if (!tagIds.includes(tag.id)) {
      tagIds.push(tag.id);
    }
  });
  if (manifest.legacyCategory !== null) {
    const generic = warningsSoFar.findIndex((w) => w.path.toLowerCase() === 'app.category');
    const path = generic === -1 ? 'App.Category' : warningsSoFar[generic].path;
    const match = matchLegacyCategory(manifest.legacyCategory, all, (tag) => canAssignTag(viewer, tag), path);
    if (generic !== -1) warningsSoFar.splice(generic, 1);
    warnings.push(match.warning);
    if (match.tagId !== null && !tagIds.includes(match.tagId)) tagIds.push(match.tagId);
  }
  return { tagIds, warnings };
}

/**
 * Refusals that depend on what is already stored (name ownership, duplicate version, version limit), each
 * with the attribute it concerns. A Name that is not the viewer's says nothing about its versions.
 */
function storeRefusals(viewer: Viewer, manifest: { name: string | null; version: string | null }, db = getDb()): { path: string; error: AppError }[] {
  const refusals: { path: string; error: AppError }[] = [];
  const { name, version } = manifest;
  if (name !== null) {
    const owner = db.select({ ownerId: appNames.ownerId }).from(appNames).where(eq(appNames.name, name)).get();
    if (!canImportVersionOf(viewer, owner?.ownerId ?? null)) {
      refusals.push({ path: 'App.Name', error: notYourName(name) });
    } else if (version !== null) {
      const existing = db.select({ id: apps.id }).from(apps).where(and(eq(apps.name, name), eq(apps.version, version))).get();
      if (existing) refusals.push({ path: 'App.Version', error: duplicateVersion({ name, version }) });
    }
  }
  const limit = appVersionLimit();
  if (versionLimitApplies(viewer, limit)) {
    const [{ n }] = db.select({ n: count() }).from(apps).where(eq(apps.ownerId, viewer.id)).all();
    if (n >= limit) refusals.push({ path: 'bundle', error: limitReached(limit) });
  }
  return refusals;
}

const refusalProblem = (r: { path: string; error: AppError }): Problem => ({
  path: r.path,
  message: r.error.message,
  ...(r.error.link ? { link: r.error.link } : {}),
});

/** Checks that depend on what is already stored; repeated inside the transaction to settle races. */
function checkAgainstStore(viewer: Viewer, manifest: Manifest, db = getDb()): void {
  const [first] = storeRefusals(viewer, manifest, db);
  if (first) throw first.error;
}

/**
 * Imports a staged upload for the viewer. The staged file is always consumed (moved or removed).
 * Throws AppError for every refusal; on success the app is visible at once and completely.
 */
export async function importStagedBundle(
  viewer: Viewer,
  staged: StagedFile,
  options: { visibility?: unknown } = {},
): Promise<ImportResult> {
  try {
    if (!canImportApps(viewer)) {
      throw new AppError('FORBIDDEN', IMPORT_NEEDS_FULL_ACCESS);
    }
    const visibility = options.visibility === undefined || options.visibility === '' ? 'PRIVATE' : parseVisibility(options.visibility);
    const refused = visibilityChangeProblem(null, visibility, publicMode());
    if (refused) throw new AppError('INVALID_INPUT', refused.message, [refused]);
    // Opened and checked once: the accepted images come back with their bytes.
    const inspected = await inspectBundle(staged.path, { keepImages: true });
    const warnings = [...inspected.warnings];
    const manifest = inspected.manifest;
    // Every check that can run does, even when app.toml has errors: one answer lists every problem.
    const draft = manifest
      ? { ...manifest, runtimeVersion: manifest.runtime.runtimeVersion, gpuCount: manifest.runtime.gpuCount }
      : inspected.draft;
    const errors = inspected.ok ? [] : [...inspected.errors];
    if (manifest) errors.push(...checkContainer(viewer, manifest));
    if (draft) errors.push(...checkSecretReferences(viewer, draft.env, draft.files));
    let runtimeVersion: string | null = null;
    if (draft && (draft.kind === 'wave' || draft.kind === 'python')) {
      const runtime = resolveRuntimeVersion(draft.runtimeVersion, draft.gpuCount);
      errors.push(...runtime.errors);
      warnings.push(...runtime.warnings);
      runtimeVersion = runtime.runtimeVersion;
    }
    const refusals = draft ? storeRefusals(viewer, draft) : [];
    if (errors.length > 0 || !manifest) {
      const all = [...errors, ...refusals.map(refusalProblem)];
      throw new AppError('INVALID_BUNDLE', 'The bundle is not valid.', all, warnings);
    }
    const assets: StoredImage[] = inspected.images.map((image) => ({ ...image, sha256: sha256Hex(image.bytes) }));
    const repaired = await repairBrokenVersion(viewer, manifest, staged, assets, refusals);
    if (repaired) return { app: repaired, warnings: [...warnings, restoredWarning(repaired)] };
    if (refusals.length > 0) {
      const [first] = refusals;
      const more = refusals.length > 1 ? refusals.map(refusalProblem) : [];
      throw new AppError(first.error.code, first.error.message, more, warnings, {}, first.error.link);
    }

    const requested = resolveRequestedTags(viewer, manifest, warnings);
    warnings.push(...requested.warnings);
    const id = randomUUID();
    // Parsed and sanitized once, here, so that no page view parses it (app_long_descriptions). Loaded only for a
    // bundle that has one: react-markdown cannot be loaded by plain Node under the react-server condition, as the
    // test helpers' child processes run (lib/testing/child.ts), and their bundles have none.
    const compiledLongDescription = inspected.longDescription?.trim()
      ? (await import('./long-description-cache')).compiledForImport(id, inspected.longDescription)
      : null;

    const app = await withStorageLock(async () => {
      const created: string[] = [];
      try {
        if (await placeFile(staged.path, bundlePath(staged.sha256), staged.durable)) created.push(bundlePath(staged.sha256));
        for (const asset of assets) {
          if (await writeFileAtomic(assetPath(asset.sha256), asset.bytes)) created.push(assetPath(asset.sha256));
        }
        // The files are in place: only the transaction is tried again while another process holds the lock.
        const data = { id, visibility, runtimeVersion, staged, assets, tagIds: requested.tagIds, longDescription: inspected.longDescription, compiledLongDescription };
        return await retryWhileBusy(() => commitImport(viewer, manifest, data));
      } catch (error) {
        removeUnreferencedFiles(created);
        throw error;
      }
    });
    return { app, warnings };
  } finally {
    await staged.durable?.catch(() => undefined);
    await fsp.rm(staged.path, { force: true });
    releaseStagedBytes(path.dirname(staged.path), staged.size);
  }
}

const restoredWarning = (app: App): Problem => ({
  path: 'bundle',
  message: `${app.name} ${app.version} already exists and was marked broken (files missing from storage): its files were restored from this bundle and it works again. Nothing else changed.`,
});

/**
 * Re-importing the very bundle of a version the storage check marked broken puts its files back: the
 * version already exists (so that, and the version limit, are the only refusals), its bundle has the same
 * sha256, and the importer may edit it. Returns the repaired row, or null when this is not such an import.
 */
async function repairBrokenVersion(
  viewer: Viewer,
  manifest: Manifest,
  staged: StagedFile,
  assets: StoredImage[],
  refusals: { path: string; error: AppError }[],
): Promise<App | null> {
  if (!refusals.some((r) => r.path === 'App.Version') || !refusals.every((r) => r.path === 'App.Version' || r.path === 'bundle')) return null;
  const db = getDb();
  const row = db.select().from(apps).where(and(eq(apps.name, manifest.name), eq(apps.version, manifest.version))).get();
  if (!row?.brokenReason || row.bundleSha256 !== staged.sha256 || !canEditApp(viewer, row)) return null;
  // A corrupted copy is replaced by the true bytes (placing a content-addressed file keeps an existing one).
  const dropIfCorrupted = async (file: string) => {
    if (fs.existsSync(file) && (await sha256File(file)).sha256 !== path.basename(file)) await fsp.rm(file, { force: true });
  };
  return withStorageLock(async () => {
    await dropIfCorrupted(bundlePath(staged.sha256));
    await placeFile(staged.path, bundlePath(staged.sha256), staged.durable);
    for (const asset of assets) {
      await dropIfCorrupted(assetPath(asset.sha256));
      await writeFileAtomic(assetPath(asset.sha256), asset.bytes);
    }
    const needed = [bundlePath(row.bundleSha256), ...db.select({ sha: appAssets.sha256 }).from(appAssets).where(eq(appAssets.appId, row.id)).all().map((a) => assetPath(a.sha))];
    // Every file is back (a corrupted one was replaced by its true bytes): the mark goes.
    if (needed.every((file) => fs.existsSync(file))) db.update(apps).set({ brokenReason: null }).where(eq(apps.id, row.id)).run();
    return db.select().from(apps).where(eq(apps.id, row.id)).get()!;
  });
}

function commitImport(
  viewer: Viewer,
  manifest: Manifest & { icon: string | null; screenshots: string[] },
  data: {
    id: string;
    visibility: Visibility;
    runtimeVersion: string | null;
    staged: StagedFile;
    assets: StoredImage[];
    tagIds: string[];
    longDescription: string | null;
    compiledLongDescription: ReturnType<typeof compiledForImport>;
  },
): App {
  const db = getDb();
  try {
    return db.transaction(
      (tx) => {
        checkAgainstStore(viewer, manifest, tx as unknown as typeof db);
        // Again inside the transaction: a secret deleted since the first check must not slip through.
        const secretProblems = checkSecretReferences(viewer, manifest.env, manifest.files);
        if (secretProblems.length > 0) throw new AppError('INVALID_BUNDLE', 'The bundle is not valid.', secretProblems);
        tx.insert(appNames).values({ name: manifest.name, ownerId: viewer.id }).onConflictDoNothing().run();
        tx.insert(apps)
          .values({
            id: data.id,
            name: manifest.name,
            version: manifest.version,
            versionKey: versionKey(manifest.version),
            ownerId: viewer.id,
            visibility: data.visibility,
            kind: manifest.kind,
            title: manifest.title,
            description: manifest.description,
            longDescription: data.longDescription ?? '',
            instanceLifecycle: manifest.instanceLifecycle,
            instanceTimeout: manifest.instanceTimeout,
            runtimeVersion: data.runtimeVersion,
            runtime: manifest.runtime,
            env: manifest.env,
            files: manifest.files,
            linkAddress: manifest.linkAddress,
            requestedTags: manifest.tags,
            bundleSha256: data.staged.sha256,
            bundleSize: data.staged.size,
          })
          .run();
        for (const a of data.assets) {
          tx.insert(appAssets)
            .values({ appId: data.id, kind: a.kind, position: a.position, sha256: a.sha256, contentType: a.contentType, size: a.bytes.length })
            .run();
        }
        for (const tagId of data.tagIds) tx.insert(appTags).values({ appId: data.id, tagId }).run();
        if (data.compiledLongDescription) tx.insert(appLongDescriptions).values(data.compiledLongDescription).run();
        const assigned = data.tagIds.length ? tx.select({ id: tags.id, name: tags.name }).from(tags).where(inArray(tags.id, data.tagIds)).all() : [];
        writeAudit(tx, {
          actorId: viewer.id,
          action: 'app.import',
          targetType: 'app',
          targetId: data.id,
          details: { name: manifest.name, version: manifest.version, visibility: data.visibility, tags: assigned },
        });
        return tx.select().from(apps).where(eq(apps.id, data.id)).get()!;
      },
      { behavior: 'immediate' },
    );
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateVersion(manifest);
    throw error;
  }
}
