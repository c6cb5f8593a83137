// Reading apps for the API: one version by id, or a filtered list, always through the visibility rule.
import 'server-only';
import { and, asc, desc, eq, inArray, type SQL } from 'drizzle-orm';
import { getDb } from '@/db';
import { appAssets, apps, appTags, tags, users, type App, type AppAsset, type Tag, type Visibility } from '@/db/schema';
import { canSeeApp, canSeeEmails, canSeeTags, canEditApp, tagKind, type AccessSettings, type Viewer } from '@/lib/auth/policy';
import { visibleAppsWhere } from '@/lib/auth/visibility-sql';
import { assetUrl } from '@/lib/catalog/details';

export interface AppDetails {
  app: App;
  owner: { id: string; name: string; email: string };
  tags: Tag[];
  assets: AppAsset[];
}

function loadDetails(rows: App[]): AppDetails[] {
  if (rows.length === 0) return [];
  const db = getDb();
  const ids = rows.map((r) => r.id);
  const ownerRows = db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(inArray(users.id, [...new Set(rows.map((r) => r.ownerId))]))
    .all();
  const tagRows = db
    .select({ appId: appTags.appId, tag: tags })
    .from(appTags)
    .innerJoin(tags, eq(tags.id, appTags.tagId))
    .where(inArray(appTags.appId, ids))
    .orderBy(asc(tags.title))
    .all();
  const assetRows = db.select().from(appAssets).where(inArray(appAssets.appId, ids)).orderBy(asc(appAssets.position)).all();
  return rows.map((app) => ({
    app,
    owner: ownerRows.find((o) => o.id === app.ownerId) ?? { id: app.ownerId, name: 'Unknown', email: '' },
    tags: tagRows.filter((t) => t.appId === app.id).map((t) => t.tag),
    assets: assetRows.filter((a) => a.appId === app.id),
  }));
}

/** One app version if the viewer may see it; null otherwise (callers answer 404 either way). */
export function getAppForViewer(viewer: Viewer | null, id: string, settings: AccessSettings): AppDetails | null {
  const app = getDb().select().from(apps).where(eq(apps.id, id)).get();
  if (!app) return null;
  const [details] = loadDetails([app]);
  const facts = { ownerId: app.ownerId, visibility: app.visibility, tagVisitorRoles: details.tags.map((t) => t.visitorRoles) };
  return canSeeApp(viewer, facts, settings) ? details : null;
}

export interface AppListFilters {
  name?: string;
  visibility?: Visibility;
  mine?: boolean;
  limit?: number;
  offset?: number;
}

export function listAppsForViewer(viewer: Viewer | null, filters: AppListFilters, settings: AccessSettings): AppDetails[] {
  const where: SQL[] = [visibleAppsWhere(viewer, settings)];
  if (filters.name) where.push(eq(apps.name, filters.name));
  if (filters.visibility) where.push(eq(apps.visibility, filters.visibility));
  if (filters.mine) where.push(eq(apps.ownerId, viewer?.id ?? ''));
  const rows = getDb()
    .select()
    .from(apps)
    .where(and(...where))
    .orderBy(asc(apps.name), desc(apps.versionKey))
    .limit(Math.min(filters.limit ?? 100, 500))
    .offset(filters.offset ?? 0)
    .all();
  return loadDetails(rows);
}

const appUrl = (app: App) => `/apps/${encodeURIComponent(app.name)}/${encodeURIComponent(app.version)}`;

/** The JSON shape of an app in the API; literal Env/File values only for those who may edit it. */
export function presentApp({ app, owner, tags: appTagList, assets }: AppDetails, viewer: Viewer | null) {
  const editor = canEditApp(viewer, app);
  const hideValue = <T extends { value?: string }>(d: T) => (editor ? d : { ...d, value: d.value === undefined ? undefined : '••••' });
  return {
    id: app.id,
    name: app.name,
    version: app.version,
    title: app.title,
    description: app.description,
    visibility: app.visibility,
    kind: app.kind,
    owner: { id: owner.id, name: owner.name, ...(canSeeEmails(viewer) ? { email: owner.email } : {}) },
    instanceLifecycle: app.instanceLifecycle,
    instanceTimeout: app.instanceTimeout,
    runtimeVersion: app.runtimeVersion,
    runtime: app.runtime,
    env: app.env.map(hideValue),
    files: app.files.map(hideValue),
    linkAddress: app.linkAddress,
    // The tag names app.toml asked for are tags too: hidden from visitors like the assigned ones.
    requestedTags: canSeeTags(viewer) ? app.requestedTags : [],
    tags: canSeeTags(viewer) ? appTagList.map((t) => ({ id: t.id, name: t.name, title: t.title, kind: tagKind(t) })) : [],
    icon: assets.some((a) => a.kind === 'icon') ? assetUrl(app.id, 'icon', 0) : null,
    screenshots: assets.filter((a) => a.kind === 'screenshot').map((a) => assetUrl(app.id, 'screenshot', a.position)),
    bundle: { sha256: app.bundleSha256, size: app.bundleSize, ...(editor ? { download: `/api/v1/apps/${app.id}/bundle` } : {}) },
    importedAt: app.importedAt.toISOString(),
    url: appUrl(app),
  };
}
