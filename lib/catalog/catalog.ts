// The catalog: one card per app Name (its newest version the viewer may see, among ALL_USERS and
// PUBLIC versions), searched, filtered by category and badge, sorted and paginated in SQL, with the
// viewer's visibility applied inside every query so totals and counts never include a hidden app.
import 'server-only';
import type Database from 'better-sqlite3';
import { sql, type SQL } from 'drizzle-orm';
import { getDb } from '@/db';
import { canSeeTags, type AccessSettings, type Viewer } from '@/lib/auth/policy';
import { visibleAppsWhere } from '@/lib/auth/visibility-sql';
import { cachedCatalog } from './cache';
import { headIndex, queryIndex } from './head-index';
import { BM25_WEIGHTS, matchExpression, PAGE_SIZE, type CatalogParams } from './search-query';
import { readAppCards, type AppCardView } from '@/lib/apps/read';
import type { TagChip } from '@/lib/tags/chip';

/** One card per Name: its newest visible version's texts, icon, and category and badge chips (lib/apps/read.ts). */
export type CatalogCard = AppCardView;

export interface FacetOption extends Pick<TagChip, 'name' | 'title' | 'color'> {
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

/**
 * The candidate cards as a table aliased `apps` with the columns visibleAppsWhere reads (id, owner_id,
 * visibility), so the visibility condition is applied to exactly the rows that become cards.
 */
function candidates(audience: Audience, visible: SQL): SQL {
  if (audience.heads) {
    return sql`(SELECT app_id AS id, name, doc_id, owner_id, visibility, sort_title, updated_at
      FROM catalog_heads WHERE audience = ${audience.heads}) AS apps`;
  }
  return sql`(SELECT x.id, x.name, d.doc_id, x.owner_id, x.visibility, x.sort_title, x.updated_at FROM (
      SELECT apps.id, apps.name, apps.owner_id, apps.visibility, coalesce(apps.listed_at, apps.created_at) AS updated_at,
        lower(coalesce(nullif(trim(apps.title), ''), apps.name)) AS sort_title,
        row_number() OVER (PARTITION BY apps.name ORDER BY apps.version_key DESC) AS rn
      FROM apps WHERE ${SHARED} AND ${visible}
    ) AS x JOIN app_search_docs d ON d.app_id = x.id WHERE x.rn = 1) AS apps`;
}

/** Apps carrying any of the tags `names` of one kind. */
function tagFilter(kind: SQL, names: string[]): SQL {
  return sql`apps.id IN (SELECT at.app_id FROM app_tags at JOIN tags t ON t.id = at.tag_id WHERE ${kind} AND t.name IN (${idList(names)}))`;
}

interface Query {
  from: SQL;
  where: SQL[];
  match: string | null;
}

function baseQuery(viewer: Viewer | null, settings: AccessSettings, audience: Audience, params: CatalogParams): Query {
  const visible = visibleAppsWhere(viewer, settings);
  const match = matchExpression(params.q, { includeTags: canSeeTags(viewer) });
  let from = candidates(audience, visible);
  if (match) {
    // bm25 costs about as much again as the match itself for a common word: computed only to sort by it.
    const rank = params.sort === 'relevance' ? sql`bm25(app_search, ${sql.raw(BM25_WEIGHTS.join(', '))})` : sql`0`;
    from = sql`${from} JOIN (SELECT rowid AS doc_id, ${rank} AS rank FROM app_search WHERE app_search MATCH ${match}) AS matches
      ON matches.doc_id = apps.doc_id`;
  }
  return { from, where: [SHARED, visible], match };
}

const whereSql = (conditions: SQL[]) => sql.join(conditions, sql` AND `);

function orderBy(params: CatalogParams, match: string | null): SQL {
  if (params.sort === 'title') return sql`apps.sort_title ASC, apps.name ASC`;
  if (params.sort === 'relevance' && match) {
    const exact = params.q.trim().toLowerCase();
    return sql`(apps.sort_title = ${exact} OR lower(apps.name) = ${exact}) DESC, matches.rank ASC, apps.sort_title ASC, apps.name ASC`;
  }
  return sql`apps.updated_at DESC, apps.name ASC`;
}

type FacetRow = FacetOption & { isCategory: number; isBadge: number };

/** Visible cards per tag under `filters`; counted per tag id first, so tags are read once per tag, not per card. */
function facetCounts(query: Query, filters: SQL[]): FacetRow[] {
  return getDb().all<FacetRow>(sql`
    SELECT t.name, t.title, t.color, c.count, t.is_category AS isCategory,
      (t.is_category = 0 AND json_array_length(t.visitor_roles) = 0) AS isBadge
    FROM (
      SELECT at.tag_id, count(*) AS count
      FROM ${query.from} JOIN app_tags at ON at.app_id = apps.id
      WHERE ${whereSql([...query.where, ...filters])}
      GROUP BY at.tag_id
    ) AS c JOIN tags t ON t.id = c.tag_id
    ORDER BY t.title COLLATE NOCASE, t.name`);
}

const option = ({ name, title, color, count }: FacetRow): FacetOption => ({ name, title, color, count });

/**
 * Category counts follow the search and the badge filter, badge counts the search and the category
 * filter; with neither filter chosen one pass serves both.
 */
function facets(query: Query, category: SQL[], badge: SQL[]): { categories: FacetOption[]; badges: FacetOption[] } {
  if (category.length === 0 && badge.length === 0) {
    const rows = facetCounts(query, []);
    return { categories: rows.filter((r) => r.isCategory).map(option), badges: rows.filter((r) => r.isBadge).map(option) };
  }
  return {
    categories: facetCounts(query, badge).filter((r) => r.isCategory).map(option),
    badges: facetCounts(query, category).filter((r) => r.isBadge).map(option),
  };
}

const idList = (ids: string[]) => sql.join(ids.map((id) => sql`${id}`), sql`, `);

/** The catalog's own statement besides the index (the cards' are lib/apps/read.ts's cardQueries); its plan is tested (query-plan.test.ts). */
export const catalogQueries = {
  /**
   * One FTS5 lookup, keeping only the audience's heads (a third of the documents: older versions are
   * documents too), so bm25 (about as costly again as the match for a common word), computed only when
   * sorting by it, runs for them alone. `+rowid` keeps SQLite from turning the IN list into one FTS5
   * lookup per head; bm25 uses the whole table's statistics either way, so the ranks are those of the SQL path.
   */
  searchMatches: (relevance: boolean) =>
    `SELECT rowid, ${relevance ? `bm25(app_search, ${BM25_WEIGHTS.join(', ')})` : '0'} FROM app_search
    WHERE app_search MATCH ? AND +rowid IN (SELECT doc_id FROM catalog_heads WHERE audience = ?)`,
};

const matchStatements = new WeakMap<object, { relevance: Database.Statement; plain: Database.Statement }>();

/** Matching [doc id, bm25 rank (0 unless sorting by relevance)] pairs: one FTS5 lookup, no joins, rows as arrays. */
function searchMatches(match: string, params: CatalogParams, heads: 'shared' | 'public'): [number, number][] {
  const client = getDb().$client;
  let statements = matchStatements.get(client);
  if (!statements) {
    const select = (relevance: boolean) => client.prepare(catalogQueries.searchMatches(relevance)).raw();
    statements = { relevance: select(true), plain: select(false) };
    matchStatements.set(client, statements);
  }
  return (params.sort === 'relevance' ? statements.relevance : statements.plain).all(match, heads) as [number, number][];
}

/** The page's ids, total and facets: from the audience's head index, or in SQL for visitors with their own set of apps. */
function selectPage(
  viewer: Viewer | null,
  settings: AccessSettings,
  audience: Audience,
  params: CatalogParams,
  showTags: boolean,
  useIndex: boolean,
): Pick<CatalogPage, 'total' | 'page' | 'pageCount' | 'categories' | 'badges'> & { pageIds: string[] } {
  if (audience.heads && useIndex) {
    const index = headIndex(audience.key, audience.heads, visibleAppsWhere(viewer, settings));
    const match = matchExpression(params.q, { includeTags: showTags });
    const result = queryIndex(index, {
      matches: match ? searchMatches(match, params, audience.heads) : null,
      categories: showTags ? params.categories : [],
      badge: showTags ? params.badge : '',
      sort: params.sort,
      exact: params.q.trim().toLowerCase(),
      page: params.page,
      pageSize: PAGE_SIZE,
    });
    const { appIds, ...rest } = result;
    return showTags ? { ...rest, pageIds: appIds } : { ...rest, categories: [], badges: [], pageIds: appIds };
  }
  const query = baseQuery(viewer, settings, audience, params);
  // Visitors may not see tags, so they cannot filter by them either (nor probe tag names via the URL).
  const category = showTags && params.categories.length > 0 ? [tagFilter(IS_CATEGORY, params.categories)] : [];
  const badge = showTags && params.badge ? [tagFilter(IS_BADGE, [params.badge])] : [];
  const where = whereSql([...query.where, ...category, ...badge]);

  const [{ total }] = getDb().all<{ total: number }>(sql`SELECT count(*) AS total FROM ${query.from} WHERE ${where}`);
  const pageCount = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const page = Math.min(params.page, pageCount);
  const pageIds = getDb()
    .all<{ id: string }>(sql`SELECT apps.id FROM ${query.from} WHERE ${where}
      ORDER BY ${orderBy(params, query.match)} LIMIT ${PAGE_SIZE} OFFSET ${(page - 1) * PAGE_SIZE}`)
    .map((r) => r.id);
  return { total, page, pageCount, pageIds, ...(showTags ? facets(query, category, badge) : { categories: [], badges: [] }) };
}

function computeCatalog(viewer: Viewer | null, settings: AccessSettings, audience: Audience, params: CatalogParams, useIndex = true): CatalogPage {
  const showTags = canSeeTags(viewer);
  const { pageIds, ...selection } = selectPage(viewer, settings, audience, params, showTags, useIndex);
  // The card texts, tags and icons come from the one read model, read only for the page's cards.
  const cards = readAppCards(viewer, settings, pageIds);
  return { cards, ...selection, showTags };
}

/** One page of the catalog as `viewer` may see it. */
export function catalogPage(viewer: Viewer | null, settings: AccessSettings, params: CatalogParams): CatalogPage {
  const audience = audienceOf(viewer, settings);
  const key = JSON.stringify([audience.key, params]);
  return cachedCatalog(key, () => computeCatalog(viewer, settings, audience, params));
}

/** The same page computed entirely in SQL, without the head index or the cache: the reference the index is tested against. */
export function catalogPageInSql(viewer: Viewer | null, settings: AccessSettings, params: CatalogParams): CatalogPage {
  return computeCatalog(viewer, settings, audienceOf(viewer, settings), params, false);
}
