// The one read model for app versions: every page (details, My Apps, admin apps), every API route and
// (through the API) the CLI read versions here. Visibility is applied in SQL only, by the one tested
// condition (lib/auth/visibility-sql.ts); what leaves is one presentation shape per version and per tag.
import 'server-only';
import { and, asc, desc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import { getDb, perConnection, type Db } from '@/db';
import { appAssets, apps, appTags, tags, users, type App, type Visibility } from '@/db/schema';
import { canEditApp, canSeeEmails, canSeeTags, isAdmin, type AccessSettings, type Viewer } from '@/lib/auth/policy';
import { preparedVisibility, visibleAppsWhere } from '@/lib/auth/visibility-sql';
import { forbidden } from '@/lib/errors';
import { tagChip, type TagChip } from '@/lib/tags/chip';
import { assetUrl } from '@/lib/urls';
import { API_PAGE_MAX } from '@/lib/api/paging';
import { clampPage, containsPattern, pageCountOf } from '@/lib/list-params';

export type { TagChip };

/** An app version as the viewer may see it: plain data, fit to render or to turn into API JSON. */
export interface AppVersionView {
  id: string;
  name: string;
  version: string;
  /** The title, or the Name when app.toml gave none. */
  title: string;
  description: string;
  longDescription: string;
  kind: App['kind'];
  visibility: Visibility;
  instanceLifecycle: string;
  instanceTimeout: string | null;
  runtimeVersion: string | null;
  /** Null for LINK apps, which do not run. */
  runtime: App['runtime'] | null;
  env: App['env'];
  files: App['files'];
  /** Only for LINK apps; pages link to the visit route, never to this directly. */
  linkAddress: string | null;
  requestedTags: string[];
  importedAt: Date;
  /** The e-mail address only for viewers who may see other people's addresses. */
  owner: { id: string; name: string; email: string | null };
  /** Empty for viewers who may not see tags; sorted by title. */
  tags: TagChip[];
  icon: string | null;
  screenshots: string[];
  bundle: { sha256: string; size: number };
  /** Owner or administrator: may change visibility and tags, delete, download the bundle, read literal values. */
  canEdit: boolean;
  /** Set when the storage check found its files missing or corrupted (which, and when): it cannot run or be downloaded. */
  brokenReason: string | null;
}

export interface AppQuery {
  id?: string;
  name?: string;
  version?: string;
  ownerId?: string;
  visibility?: Visibility;
  limit?: number;
  offset?: number;
}

/** The filters an AppQuery may set, each an equality on the column of the same name. */
const FILTERS = ['id', 'name', 'version', 'ownerId', 'visibility'] as const;
const filtersOf = (q: AppQuery) => FILTERS.filter((f) => q[f] !== undefined);

function whereOf(viewer: Viewer | null, settings: AccessSettings, q: AppQuery): SQL {
  return and(visibleAppsWhere(viewer, settings), ...filtersOf(q).map((f) => eq(apps[f], q[f]!)))!;
}

/**
 * The reads of every app page and icon, prepared once per connection and per shape of the query (which filters,
 * and visibility-sql.ts's shape of viewer), then run with this request's values: building a drizzle query and
 * compiling its SQL on each call took some 8 % of an app page's CPU (issue 15). Nothing is decided by the
 * statement kept: every run binds this viewer's own values. Bounded: a shape past the bound is prepared per call.
 */
const PREPARED_MAX = 256;
const preparedByKey = perConnection(() => new Map<string, unknown>());

function prepared<T>(key: string, build: (db: Db) => T): T {
  const statements = preparedByKey();
  let statement = statements.get(key) as T | undefined;
  if (statement === undefined) {
    statement = build(getDb());
    if (statements.size < PREPARED_MAX) statements.set(key, statement);
  }
  return statement;
}

/** whereOf with placeholders: the condition, the key of its shape, and this call's values. */
function preparedWhere(viewer: Viewer | null, settings: AccessSettings, q: AppQuery): { key: string; where: SQL; values: Record<string, unknown> } {
  const visibility = preparedVisibility(viewer, settings);
  const filters = filtersOf(q);
  const values: Record<string, unknown> = { ...visibility.values };
  for (const f of filters) values[`q_${f}`] = q[f];
  return {
    key: `${visibility.shape}|${filters.join(',')}`,
    where: and(visibility.where, ...filters.map((f) => eq(apps[f], sql.placeholder(`q_${f}`))))!,
    values,
  };
}

/**
 * present()'s reads of owners, tags and assets for a JSON array of ids: one statement whatever the number of ids.
 * The list comes first (CROSS JOIN keeps the order written), each id then looked up by key: with `IN (SELECT …)`
 * SQLite may scan the table instead, not knowing how few ids the list holds (plans: card-plan.test.ts).
 */
const jsonIds = () => sql`json_each(${sql.placeholder('ids')}) AS ids`;
export const presentQueries = (db: Db) => ({
  owners: db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(jsonIds())
    .crossJoin(users)
    .where(eq(users.id, sql`ids.value`))
    .prepare(),
  // A tag's chip fields only (tagChip): not its admin roles and date, decoded for every row otherwise.
  tags: db
    .select({
      appId: appTags.appId,
      tag: { id: tags.id, name: tags.name, title: tags.title, color: tags.color, description: tags.description, isCategory: tags.isCategory, visitorRoles: tags.visitorRoles },
    })
    .from(jsonIds())
    .crossJoin(appTags)
    .innerJoin(tags, eq(tags.id, appTags.tagId))
    .where(eq(appTags.appId, sql`ids.value`))
    .orderBy(sql`${tags.title} COLLATE NOCASE`, asc(tags.name))
    .prepare(),
  assets: db
    .select({ appId: appAssets.appId, kind: appAssets.kind, position: appAssets.position })
    .from(jsonIds())
    .crossJoin(appAssets)
    .where(and(eq(appAssets.appId, sql`ids.value`), inArray(appAssets.kind, ['icon', 'screenshot'])))
    .orderBy(asc(appAssets.position))
    .prepare(),
});
const presentStatements = perConnection(presentQueries);

/** The versions the viewer may see that match `q`, by Name, newest version first within a Name. */
export function readAppVersions(viewer: Viewer | null, settings: AccessSettings, q: AppQuery = {}): AppVersionView[] {
  let query = getDb().select().from(apps).where(whereOf(viewer, settings, q)).orderBy(asc(apps.name), desc(apps.versionKey)).$dynamic();
  if (q.limit !== undefined) query = query.limit(Math.min(q.limit, API_PAGE_MAX)).offset(q.offset ?? 0);
  return present(viewer, query.all());
}

/** One version (by id, or Name + Version), or the newest visible version of a Name; null when not visible. */
export function readAppVersion(
  viewer: Viewer | null,
  settings: AccessSettings,
  q: Pick<AppQuery, 'id' | 'name' | 'version' | 'ownerId'>,
): AppVersionView | null {
  const { key, where, values } = preparedWhere(viewer, settings, q);
  const row = prepared(`version|${key}`, (db) => db.select().from(apps).where(where).orderBy(desc(apps.versionKey)).limit(1).prepare()).get(values);
  return row ? present(viewer, [row])[0] : null;
}

function present(viewer: Viewer | null, rows: App[]): AppVersionView[] {
  if (rows.length === 0) return [];
  const queries = presentStatements();
  const ids = JSON.stringify(rows.map((r) => r.id));
  const owners = new Map(queries.owners.all({ ids: JSON.stringify([...new Set(rows.map((r) => r.ownerId))]) }).map((o) => [o.id, o]));
  const showTags = canSeeTags(viewer);
  const tagRows = showTags ? queries.tags.all({ ids }) : [];
  const assetRows = queries.assets.all({ ids });
  const showEmails = canSeeEmails(viewer);
  return rows.map((app) => {
    const owner = owners.get(app.ownerId);
    const assets = assetRows.filter((a) => a.appId === app.id);
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
      env: app.env,
      files: app.files,
      linkAddress: app.linkAddress,
      // The tag names app.toml asked for are tags too: hidden from visitors like the assigned ones.
      requestedTags: showTags ? app.requestedTags : [],
      importedAt: app.importedAt,
      owner: { id: app.ownerId, name: owner?.name ?? 'Unknown', email: showEmails ? (owner?.email ?? null) : null },
      tags: tagRows.filter((t) => t.appId === app.id).map((t) => tagChip(t.tag)),
      icon: assets.some((a) => a.kind === 'icon') ? assetUrl(app.id, { kind: 'icon' }) : null,
      screenshots: assets.filter((a) => a.kind === 'screenshot').map((a) => assetUrl(app.id, { kind: 'screenshot', position: a.position })),
      bundle: { sha256: app.bundleSha256, size: app.bundleSize },
      canEdit: canEditApp(viewer, app),
      brokenReason: app.brokenReason,
    };
  });
}

/**
 * What a catalog card shows of a version: part of the one presentation shape, with the owner's display name
 * only (never an e-mail address) and when the version last became visible (ms since the epoch).
 */
export type AppCardView = Pick<AppVersionView, 'id' | 'name' | 'version' | 'title' | 'description' | 'kind' | 'tags' | 'icon'> & {
  owner: AppVersionView['owner']['name'];
  /** The last change that made the version visible (publishing, visibility, tags), or its import. */
  updatedAt: number;
};

/**
 * The statements the catalog runs per page of cards: primary-key and index lookups only, whatever the size
 * of the catalog (issue 15; their plans are tested in card-plan.test.ts). Prepared once per connection (the
 * cards' texts once per shape of viewer, as the app page's reads), the page's ids given as a JSON array read
 * first (CROSS JOIN keeps that order), so that each id is looked up by key: SQLite would otherwise choose the
 * visibility index beside an id list and walk every PUBLIC version.
 */
export const cardQueries = {
  /** The cards' texts and owners, by id, among the versions the viewer may see. */
  cardRows: (db: Db, visible: SQL) =>
    db
      .select({
        id: apps.id,
        name: apps.name,
        version: apps.version,
        title: sql<string>`coalesce(nullif(${apps.title}, ''), ${apps.name})`,
        description: apps.description,
        kind: apps.kind,
        owner: sql<string>`coalesce(${users.name}, '')`,
        updatedAt: sql<number>`CAST(coalesce(${apps.listedAt}, ${apps.importedAt}) AS INTEGER)`,
      })
      .from(jsonIds())
      .crossJoin(apps)
      .leftJoin(users, eq(users.id, apps.ownerId))
      // By id only: the unary `+` keeps SQLite from the visibility index, which it may otherwise choose and walk
      // every PUBLIC version for each id (the condition's value is unchanged: 1, 0 or NULL).
      .where(and(eq(apps.id, sql`ids.value`), sql`+(${visible})`))
      .prepare(),
  iconsOf: (db: Db) =>
    db
      .select({ appId: appAssets.appId })
      .from(jsonIds())
      .crossJoin(appAssets)
      .where(and(eq(appAssets.appId, sql`ids.value`), eq(appAssets.kind, 'icon'), eq(appAssets.position, 0)))
      .prepare(),
};
const iconsOf = perConnection(cardQueries.iconsOf);

/**
 * The catalog's cards for the given version ids, in that order (the catalog chose and ordered the page in
 * SQL); an id the viewer may not see is left out. Categories and badges only: authorization tags are not
 * shown on cards.
 */
export function readAppCards(viewer: Viewer | null, settings: AccessSettings, ids: string[]): AppCardView[] {
  if (ids.length === 0) return [];
  const visibility = preparedVisibility(viewer, settings);
  const cardRows = prepared(`cards|${visibility.shape}`, (db) => cardQueries.cardRows(db, visibility.where));
  const byId = new Map(cardRows.all({ ...visibility.values, ids: JSON.stringify(ids) }).map((r) => [r.id, r]));
  const rows = ids.map((id) => byId.get(id)).filter((r) => r !== undefined);
  const shown = JSON.stringify(rows.map((r) => r.id));
  const chips = new Map(rows.map((r) => [r.id, [] as TagChip[]]));
  if (canSeeTags(viewer) && rows.length > 0) {
    for (const { appId, tag } of presentStatements().tags.all({ ids: shown })) {
      const chip = tagChip(tag);
      if (chip.kind !== 'authorization') chips.get(appId)!.push(chip);
    }
  }
  const icons = new Set(rows.length === 0 ? [] : iconsOf().all({ ids: shown }).map((r) => r.appId));
  return rows.map((row) => ({ ...row, tags: chips.get(row.id)!, icon: icons.has(row.id) ? assetUrl(row.id, { kind: 'icon' }) : null }));
}

export interface VersionEntry {
  id: string;
  version: string;
  visibility: Visibility;
  importedAt: Date;
}

/** Every version of the Name the viewer may see, newest first (the details page's version list). */
export function visibleVersions(viewer: Viewer | null, settings: AccessSettings, name: string): VersionEntry[] {
  const { key, where, values } = preparedWhere(viewer, settings, { name });
  return prepared(`versions|${key}`, (db) =>
    db
      .select({ id: apps.id, version: apps.version, visibility: apps.visibility, importedAt: apps.importedAt })
      .from(apps)
      .where(where)
      .orderBy(desc(apps.versionKey))
      .prepare(),
  ).all(values);
}

/** The part of a version that lists show (and send to the browser: no descriptions, no Env values). */
export type AppVersionListItem = Pick<AppVersionView, 'id' | 'name' | 'version' | 'title' | 'visibility' | 'importedAt' | 'owner' | 'tags' | 'icon'>;

export interface AppGroup {
  name: string;
  versions: AppVersionListItem[];
}

export const listItemOf = ({ id, name, version, title, visibility, importedAt, owner, tags, icon }: AppVersionView): AppVersionListItem => ({
  id,
  name,
  version,
  title,
  visibility,
  importedAt,
  owner,
  tags,
  icon,
});

/** Versions grouped by Name, in the order read (My Apps and the administrators' Apps page). */
export function groupByName(versions: AppVersionView[]): AppGroup[] {
  const groups: AppGroup[] = [];
  for (const view of versions) {
    const item = listItemOf(view);
    const last = groups.at(-1);
    if (last?.name === item.name) last.versions.push(item);
    else groups.push({ name: item.name, versions: [item] });
  }
  return groups;
}

/** How the paged lists order Names: A→Z, Z→A, by title, by their latest import, by owner (administrators). */
export const APP_LIST_SORTS = ['name', 'name-desc', 'title', 'newest', 'oldest', 'owner'] as const;
export type AppListSort = (typeof APP_LIST_SORTS)[number];

export interface AppGroupQuery extends Pick<AppQuery, 'ownerId' | 'visibility'> {
  /** Matches Name and Title anywhere, ignoring letter case; with `searchOwners`, the owner's name and e-mail too. */
  search?: string;
  searchOwners?: boolean;
  sort: AppListSort;
  page: number;
  pageSize: number;
}

export interface AppGroupPage {
  groups: AppGroup[];
  /** Names and versions matching, over every page. */
  names: number;
  versions: number;
  /** The page shown (the last one when the one asked for is past the end) and how many there are. */
  page: number;
  pageCount: number;
}

/**
 * One page of the versions the viewer may see, grouped by Name, for My Apps and the administrators' Apps
 * page: pages count Names, each with every matching version (newest first); visibility applies in SQL as
 * everywhere else.
 */
export function readAppGroupPage(viewer: Viewer | null, settings: AccessSettings, q: AppGroupQuery): AppGroupPage {
  const db = getDb();
  const conditions = [whereOf(viewer, settings, q)];
  if (q.search) {
    const pattern = containsPattern(q.search);
    const like = (column: SQL) => sql`${column} LIKE ${pattern} ESCAPE '\\'`;
    const matches = [like(sql`${apps.name}`), like(sql`${apps.title}`)];
    if (q.searchOwners) {
      matches.push(sql`${apps.ownerId} IN (SELECT ${users.id} FROM ${users} WHERE ${like(sql`${users.email}`)} OR ${like(sql`${users.name}`)})`);
    }
    conditions.push(or(...matches)!);
  }
  const where = and(...conditions)!;
  const totals = db
    .select({ names: sql<number>`count(DISTINCT ${apps.name})`, versions: sql<number>`count(*)` })
    .from(apps)
    .where(where)
    .get() ?? { names: 0, versions: 0 };
  const page = clampPage(q.page, totals.names, q.pageSize);
  const lastImport = sql`max(${apps.importedAt})`;
  const order: Record<AppListSort, SQL[]> = {
    name: [sql`${apps.name} ASC`],
    'name-desc': [sql`${apps.name} DESC`],
    title: [sql`min(${apps.title} COLLATE NOCASE) ASC`, sql`${apps.name} ASC`],
    newest: [sql`${lastImport} DESC`, sql`${apps.name} ASC`],
    oldest: [sql`${lastImport} ASC`, sql`${apps.name} ASC`],
    owner: [sql`min((SELECT ${users.email} FROM ${users} WHERE ${users.id} = ${apps.ownerId})) ASC`, sql`${apps.name} ASC`],
  };
  const names = db
    .select({ name: apps.name })
    .from(apps)
    .where(where)
    .groupBy(apps.name)
    .orderBy(...order[q.sort])
    .limit(q.pageSize)
    .offset((page - 1) * q.pageSize)
    .all()
    .map((r) => r.name);
  const rows = names.length === 0 ? [] : db.select().from(apps).where(and(where, inArray(apps.name, names))).orderBy(desc(apps.versionKey)).all();
  const position = new Map(names.map((n, i) => [n, i]));
  rows.sort((a, b) => position.get(a.name)! - position.get(b.name)!); // stable: newest version first within a Name
  return { groups: groupByName(present(viewer, rows)), names: totals.names, versions: totals.versions, page, pageCount: pageCountOf(totals.names, q.pageSize) };
}

/** Users who own at least one app version, for the administrators' owner filter. */
export function listAppOwners(viewer: Viewer): { id: string; name: string; email: string }[] {
  if (!isAdmin(viewer)) throw forbidden('Only administrators may list app owners.');
  return getDb()
    .selectDistinct({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .innerJoin(apps, eq(apps.ownerId, users.id))
    .orderBy(asc(users.email))
    .all();
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
  asset: { kind: 'icon' | 'screenshot'; position: number },
): VisibleAsset | null {
  const { key, where, values } = preparedWhere(viewer, settings, { id: appId });
  const row = prepared(`asset|${key}`, (db) =>
    db
      .select({ sha256: appAssets.sha256, contentType: appAssets.contentType, size: appAssets.size, visibility: apps.visibility })
      .from(appAssets)
      .innerJoin(apps, eq(apps.id, appAssets.appId))
      .where(and(eq(appAssets.kind, sql.placeholder('kind')), eq(appAssets.position, sql.placeholder('position')), where))
      .prepare(),
  ).get({ ...values, kind: asset.kind, position: asset.position });
  if (!row) return null;
  return { sha256: row.sha256, contentType: row.contentType, size: row.size, isPublic: settings.publicMode && row.visibility === 'PUBLIC' };
}
