// An app version's details page: the version (newest visible one of a Name, or a given one), its
// owner, tags, assets and the other versions of the Name, all read through the visibility rule in SQL.
import 'server-only';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { getDb } from '@/db';
import { appAssets, apps, appTags, tags, users, type AppKind, type RuntimeSettings, type Visibility } from '@/db/schema';
import { canDownloadBundle, canSeeEmails, canSeeTags, tagKind, type AccessSettings, type Viewer } from '@/lib/auth/policy';
import { visibleAppsWhere } from '@/lib/auth/visibility-sql';
import type { TagChip } from './catalog';
import { assetUrl } from '@/lib/urls';

export interface VersionEntry {
  id: string;
  version: string;
  visibility: Visibility;
  importedAt: Date;
}

export interface AssetRef {
  kind: 'icon' | 'screenshot';
  position: number;
  url: string;
}

export interface AppDetailsView {
  id: string;
  name: string;
  version: string;
  title: string;
  description: string;
  longDescription: string;
  kind: AppKind;
  visibility: Visibility;
  instanceLifecycle: string;
  instanceTimeout: string | null;
  runtimeVersion: string | null;
  runtime: RuntimeSettings | null;
  /** Only for LINK apps; the page links to the visit route, never to this directly. */
  isLink: boolean;
  importedAt: Date;
  owner: { name: string; email: string | null };
  categories: TagChip[];
  badges: TagChip[];
  icon: AssetRef | null;
  screenshots: AssetRef[];
  versions: VersionEntry[];
  canDownload: boolean;
}

/** The given version, or the newest (semver) version of the Name the viewer may see; null if none. */
export function findVisibleVersion(
  viewer: Viewer | null,
  settings: AccessSettings,
  name: string,
  version?: string,
): { id: string; ownerId: string; linkAddress: string | null; kind: AppKind } | null {
  const where = [eq(apps.name, name), visibleAppsWhere(viewer, settings)];
  if (version !== undefined) where.push(eq(apps.version, version));
  return (
    getDb()
      .select({ id: apps.id, ownerId: apps.ownerId, linkAddress: apps.linkAddress, kind: apps.kind })
      .from(apps)
      .where(and(...where))
      .orderBy(desc(apps.versionKey))
      .limit(1)
      .get() ?? null
  );
}

/** Every version of the Name the viewer may see, newest first. */
export function visibleVersions(viewer: Viewer | null, settings: AccessSettings, name: string): VersionEntry[] {
  return getDb()
    .select({ id: apps.id, version: apps.version, visibility: apps.visibility, importedAt: apps.importedAt })
    .from(apps)
    .where(and(eq(apps.name, name), visibleAppsWhere(viewer, settings)))
    .orderBy(desc(apps.versionKey))
    .all();
}

export function appDetails(viewer: Viewer | null, settings: AccessSettings, name: string, version?: string): AppDetailsView | null {
  const found = findVisibleVersion(viewer, settings, name, version);
  if (!found) return null;
  const db = getDb();
  const app = db.select().from(apps).where(eq(apps.id, found.id)).get();
  if (!app) return null;
  const owner = db.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, app.ownerId)).get();
  const tagRows = canSeeTags(viewer)
    ? db
        .select({ name: tags.name, title: tags.title, color: tags.color, isCategory: tags.isCategory, visitorRoles: tags.visitorRoles })
        .from(appTags)
        .innerJoin(tags, eq(tags.id, appTags.tagId))
        .where(eq(appTags.appId, app.id))
        .orderBy(sql`${tags.title} COLLATE NOCASE`)
        .all()
    : [];
  const chip = ({ name, title, color }: TagChip) => ({ name, title, color });
  const assets = db
    .select({ kind: appAssets.kind, position: appAssets.position })
    .from(appAssets)
    .where(and(eq(appAssets.appId, app.id), inArray(appAssets.kind, ['icon', 'screenshot'])))
    .orderBy(asc(appAssets.kind), asc(appAssets.position))
    .all()
    .map((a) => ({ ...a, url: assetUrl(app.id, a) }));
  return {
    id: app.id,
    name: app.name,
    version: app.version,
    title: app.title || app.name,
    description: app.description,
    longDescription: app.longDescription,
    kind: app.kind,
    visibility: app.visibility,
    instanceLifecycle: app.instanceLifecycle,
    instanceTimeout: app.instanceTimeout,
    runtimeVersion: app.runtimeVersion,
    runtime: app.kind === 'link' ? null : app.runtime,
    isLink: app.kind === 'link' && !!app.linkAddress,
    importedAt: app.importedAt,
    owner: { name: owner?.name ?? 'Unknown', email: canSeeEmails(viewer) ? (owner?.email ?? null) : null },
    categories: tagRows.filter((t) => tagKind(t) === 'category').map(chip),
    badges: tagRows.filter((t) => tagKind(t) === 'badge').map(chip),
    icon: assets.find((a) => a.kind === 'icon') ?? null,
    screenshots: assets.filter((a) => a.kind === 'screenshot'),
    versions: visibleVersions(viewer, settings, app.name),
    canDownload: canDownloadBundle(viewer, app),
  };
}

export interface VisibleAsset {
  sha256: string;
  contentType: string;
  size: number;
  /** Visible to anyone without signing in, so shared caches may keep it. */
  isPublic: boolean;
}

/** An icon or screenshot of an app version the viewer may see; null for anything else. */
export function visibleAsset(
  viewer: Viewer | null,
  settings: AccessSettings,
  appId: string,
  kind: 'icon' | 'screenshot',
  position: number,
): VisibleAsset | null {
  const row = getDb()
    .select({ sha256: appAssets.sha256, contentType: appAssets.contentType, size: appAssets.size, visibility: apps.visibility })
    .from(appAssets)
    .innerJoin(apps, eq(apps.id, appAssets.appId))
    .where(and(eq(appAssets.appId, appId), eq(appAssets.kind, kind), eq(appAssets.position, position), visibleAppsWhere(viewer, settings)))
    .get();
  if (!row) return null;
  return { sha256: row.sha256, contentType: row.contentType, size: row.size, isPublic: settings.publicMode && row.visibility === 'PUBLIC' };
}

/** Parses the last segment of an asset URL (`icon`, `screenshot-<n>`). */
export function parseAssetSegment(segment: string): { kind: 'icon' | 'screenshot'; position: number } | null {
  if (segment === 'icon') return { kind: 'icon', position: 0 };
  const match = /^screenshot-([1-9]\d{0,3})$/.exec(segment);
  return match ? { kind: 'screenshot', position: Number(match[1]) - 1 } : null;
}

/** A route segment as text; a malformed escape is kept as it is (and then simply matches nothing). */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
