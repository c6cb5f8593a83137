// The catalog: one card per app Name (its newest version the viewer may see, among ALL_USERS and
// PUBLIC versions), searched, filtered by category and badge, sorted and paginated in SQL, with the
// viewer's visibility applied inside every query so totals and counts never include a hidden app.
import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { getDb } from '@/db';
import type { AppKind } from '@/db/schema';
import { canSeeTags, type AccessSettings, type Viewer } from '@/lib/auth/policy';
import { visibleAppsWhere } from '@/lib/auth/visibility-sql';
import { cachedCatalog } from './cache';
import { BM25_WEIGHTS, matchExpression, PAGE_SIZE, type CatalogParams } from './search-query';

export interface TagChip {
  name: string;
  title: string;
  color: string;
}

export interface CatalogCard {
  id: string;
  name: string;
  version: string;
  title: string;
  description: string;
  kind: AppKind;
  importedAt: number;
  iconUrl: string | null;
  categories: TagChip[];
  badges: TagChip[];
}

export interface FacetOption extends TagChip {
  count: number;
}

export interface CatalogPage {
  cards: CatalogCard[];
  total: number;
  page: number;
  pageCount: number;
  /** Empty for viewers who may not see tags. */
  categories: FacetOption[];
  badges: FacetOption[];
  showTags: boolean;
}

/**
 * Whose newest versions make up the cards. Full-access viewers and admins see every shared version
 * and anonymous visitors every PUBLIC one, so their cards come from the precomputed catalog_heads;
 * other visitors (authorization tags, own apps) get theirs computed from the versions they may see.
 */
type Audience = { heads: 'shared' | 'public'; key: string } | { heads: null; key: string };

function audienceOf(viewer: Viewer | null, settings: AccessSettings): Audience {
  if (!viewer) return { heads: 'public', key: `anonymous:${settings.publicMode}` };
  if (viewer.isAdmin || viewer.fullAccess) return { heads: 'shared', key: 'full' };
  return { heads: null, key: `visitor:${viewer.id}:${[...viewer.roles].sort().join(',')}:${settings.publicMode}` };
}

const SHARED = sql`apps.visibility IN ('ALL_USERS', 'PUBLIC')`;
const IS_CATEGORY = sql`t.is_category = 1`;
const IS_BADGE = sql`t.is_category = 0 AND json_array_length(t.visitor_roles) = 0`;

function headsCte(audience: Audience, visible: SQL): SQL {
  if (audience.heads) {
    return sql`heads AS (SELECT app_id AS id, sort_title, imported_at FROM catalog_heads WHERE audience = ${audience.heads})`;
  }
  return sql`heads AS (
    SELECT id, sort_title, imported_at FROM (
      SELECT apps.id, lower(coalesce(nullif(trim(apps.title), ''), apps.name)) AS sort_title, apps.created_at AS imported_at,
        row_number() OVER (PARTITION BY apps.name ORDER BY apps.version_key DESC) AS rn
      FROM apps WHERE ${SHARED} AND ${visible}
    ) WHERE rn = 1)`;
}

function tagFilter(kind: SQL, name: string): SQL {
  return sql`EXISTS (SELECT 1 FROM app_tags at JOIN tags t ON t.id = at.tag_id WHERE at.app_id = apps.id AND ${kind} AND t.name = ${name})`;
}

interface Query {
  with: SQL;
  from: SQL;
  where: SQL[];
  match: string | null;
}

function baseQuery(viewer: Viewer | null, settings: AccessSettings, audience: Audience, q: string): Query {
  const visible = visibleAppsWhere(viewer, settings);
  const match = matchExpression(q, { includeTags: canSeeTags(viewer) });
  const ctes = [headsCte(audience, visible)];
  let from = sql`heads JOIN apps ON apps.id = heads.id`;
  if (match) {
    const weights = sql.raw(BM25_WEIGHTS.join(', '));
    ctes.push(sql`matches AS (
      SELECT d.app_id AS id, bm25(app_search, ${weights}) AS rank
      FROM app_search JOIN app_search_docs d ON d.doc_id = app_search.rowid
      WHERE app_search MATCH ${match})`);
    from = sql`${from} JOIN matches ON matches.id = apps.id`;
  }
  return { with: sql.join(ctes, sql`, `), from, where: [SHARED, visible], match };
}

const whereSql = (conditions: SQL[]) => sql.join(conditions, sql` AND `);

function orderBy(params: CatalogParams, match: string | null): SQL {
  if (params.sort === 'title') return sql`heads.sort_title ASC, apps.name ASC`;
  if (params.sort === 'relevance' && match) {
    const exact = params.q.trim().toLowerCase();
    return sql`(heads.sort_title = ${exact} OR lower(apps.name) = ${exact}) DESC, matches.rank ASC, heads.sort_title ASC, apps.name ASC`;
  }
  return sql`heads.imported_at DESC, apps.name ASC`;
}

interface CardRow {
  id: string;
  name: string;
  version: string;
  title: string;
  description: string;
  kind: AppKind;
  importedAt: number;
}

function facet(query: Query, filters: SQL[], kind: SQL): FacetOption[] {
  return getDb().all<FacetOption>(sql`
    WITH ${query.with}
    SELECT t.name, t.title, t.color, count(*) AS count
    FROM ${query.from} JOIN app_tags at ON at.app_id = apps.id JOIN tags t ON t.id = at.tag_id
    WHERE ${whereSql([...query.where, ...filters])} AND ${kind}
    GROUP BY t.id ORDER BY t.title COLLATE NOCASE, t.name`);
}

function tagsOf(appIds: string[]): Map<string, { categories: TagChip[]; badges: TagChip[] }> {
  const out = new Map(appIds.map((id) => [id, { categories: [] as TagChip[], badges: [] as TagChip[] }]));
  if (appIds.length === 0) return out;
  const rows = getDb().all<TagChip & { appId: string; isCategory: number; authorization: number }>(sql`
    SELECT at.app_id AS appId, t.name, t.title, t.color, t.is_category AS isCategory,
      json_array_length(t.visitor_roles) > 0 AS authorization
    FROM app_tags at JOIN tags t ON t.id = at.tag_id
    WHERE at.app_id IN (${sql.join(appIds.map((id) => sql`${id}`), sql`, `)})
    ORDER BY t.title COLLATE NOCASE`);
  for (const { appId, isCategory, authorization, ...chip } of rows) {
    if (isCategory) out.get(appId)!.categories.push(chip);
    else if (!authorization) out.get(appId)!.badges.push(chip);
  }
  return out;
}

function iconsOf(appIds: string[]): Set<string> {
  if (appIds.length === 0) return new Set();
  const rows = getDb().all<{ appId: string }>(sql`
    SELECT app_id AS appId FROM app_assets
    WHERE kind = 'icon' AND position = 0 AND app_id IN (${sql.join(appIds.map((id) => sql`${id}`), sql`, `)})`);
  return new Set(rows.map((r) => r.appId));
}

export function iconUrl(appId: string): string {
  return `/assets/${encodeURIComponent(appId)}/icon`;
}

function computeCatalog(viewer: Viewer | null, settings: AccessSettings, audience: Audience, params: CatalogParams): CatalogPage {
  const showTags = canSeeTags(viewer);
  const query = baseQuery(viewer, settings, audience, params.q);
  // Visitors may not see tags, so they cannot filter by them either (nor probe tag names via the URL).
  const category = showTags && params.category ? [tagFilter(IS_CATEGORY, params.category)] : [];
  const badge = showTags && params.badge ? [tagFilter(IS_BADGE, params.badge)] : [];
  const where = whereSql([...query.where, ...category, ...badge]);

  const [{ total }] = getDb().all<{ total: number }>(sql`WITH ${query.with} SELECT count(*) AS total FROM ${query.from} WHERE ${where}`);
  const pageCount = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const page = Math.min(params.page, pageCount);
  const rows = getDb().all<CardRow>(sql`
    WITH ${query.with}
    SELECT apps.id, apps.name, apps.version, apps.title, apps.description, apps.kind, apps.created_at AS importedAt
    FROM ${query.from} WHERE ${where}
    ORDER BY ${orderBy(params, query.match)}
    LIMIT ${PAGE_SIZE} OFFSET ${(page - 1) * PAGE_SIZE}`);

  const ids = rows.map((r) => r.id);
  const tags = showTags ? tagsOf(ids) : null;
  const icons = iconsOf(ids);
  const cards = rows.map((row) => ({
    ...row,
    iconUrl: icons.has(row.id) ? iconUrl(row.id) : null,
    categories: tags?.get(row.id)?.categories ?? [],
    badges: tags?.get(row.id)?.badges ?? [],
  }));
  return {
    cards,
    total,
    page,
    pageCount,
    categories: showTags ? facet(query, badge, IS_CATEGORY) : [],
    badges: showTags ? facet(query, category, IS_BADGE) : [],
    showTags,
  };
}

/** One page of the catalog as `viewer` may see it. */
export function catalogPage(viewer: Viewer | null, settings: AccessSettings, params: CatalogParams): CatalogPage {
  const audience = audienceOf(viewer, settings);
  const key = JSON.stringify([audience.key, params]);
  return cachedCatalog(key, () => computeCatalog(viewer, settings, audience, params));
}
