// The catalog: one card per app Name (its newest version the viewer may see, among ALL_USERS and
// PUBLIC versions), searched, filtered by category and badge, sorted and paginated over the audience's
// in-memory index (head-index.ts), which is built from the rows the viewer's visibility condition lets
// through, so totals and counts never include a hidden app; catalogPageInSql does the same in SQL.
import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { getDb } from '@/db';
import { canSeeTags, type AccessSettings, type Viewer } from '@/lib/auth/policy';
import { visibleAppsWhere } from '@/lib/auth/visibility-sql';
import { cachedCatalog } from './cache';
import { audienceOf, candidates, freshHeadIndex, freshSearchIndex, headIndex, SHARED, type Audience } from './head-index';
import { queryIndex } from './index-query';
import { searchDocuments } from './search-walk';
import { matchExpression, queryTerms } from './search-terms';
import { PAGE_SIZE, type CatalogParams } from './search-query';
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

const IS_CATEGORY = sql`t.is_category = 1`;
const IS_BADGE = sql`t.is_category = 0 AND json_array_length(t.visitor_roles) = 0`;

/** Apps carrying any of the tags `names` of one kind. */
function tagFilter(kind: SQL, names: string[]): SQL {
  return sql`apps.id IN (SELECT at.app_id FROM app_tags at JOIN tags t ON t.id = at.tag_id WHERE ${kind} AND t.name IN (${idList(names)}))`;
}

interface Query {
  from: SQL;
  where: SQL[];
  match: string | null;
}

/**
 * The candidates, and with a search those FTS5 matches, each with its rank: bm25 over the audience's
 * cards as search-walk.ts computes it (FTS5's own bm25 would count every version in the table).
 */
function baseQuery(viewer: Viewer | null, settings: AccessSettings, audience: Audience, params: CatalogParams): Query {
  const visible = visibleAppsWhere(viewer, settings);
  const terms = queryTerms(params.q);
  const includeTags = canSeeTags(viewer);
  const match = matchExpression(terms, { includeTags });
  let from = candidates(audience, visible);
  if (match) {
    const index = freshHeadIndex(audience, visible);
    const { docs, rank } = searchDocuments(freshSearchIndex(index), terms, { includeTags });
    // The ranks in a keyed temporary table (this connection's own), so the join is a lookup per card.
    const client = getDb().$client;
    client.exec('CREATE TEMP TABLE IF NOT EXISTS search_ranks (doc_id INTEGER PRIMARY KEY, rank REAL NOT NULL)');
    client.transaction(() => {
      client.exec('DELETE FROM temp.search_ranks');
      const insert = client.prepare('INSERT INTO temp.search_ranks (doc_id, rank) VALUES (?, ?)');
      for (const head of docs) insert.run(index.docIds[head], rank[head]);
    })();
    from = sql`${from} JOIN (SELECT rowid AS doc_id FROM app_search WHERE app_search MATCH ${match}) AS matches ON matches.doc_id = apps.doc_id
      LEFT JOIN temp.search_ranks AS ranks ON ranks.doc_id = apps.doc_id`;
  }
  return { from, where: [SHARED, visible], match };
}

const whereSql = (conditions: SQL[]) => sql.join(conditions, sql` AND `);

function orderBy(params: CatalogParams, match: string | null): SQL {
  if (params.sort === 'title') return sql`apps.sort_title ASC, apps.name ASC`;
  if (params.sort === 'relevance' && match) {
    const exact = params.q.trim().toLowerCase();
    return sql`(apps.sort_title = ${exact} OR lower(apps.name) = ${exact}) DESC, ranks.rank ASC, apps.sort_title ASC, apps.name ASC`;
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

/** The page's ids, total and facets: from the audience's head index, or all in SQL (the reference the index is tested against). */
function selectPage(
  viewer: Viewer | null,
  settings: AccessSettings,
  audience: Audience,
  params: CatalogParams,
  showTags: boolean,
  useIndex: boolean,
): Pick<CatalogPage, 'total' | 'page' | 'pageCount' | 'categories' | 'badges'> & { pageIds: string[] } {
  if (useIndex) {
    const index = headIndex(audience, visibleAppsWhere(viewer, settings));
    const terms = queryTerms(params.q);
    const result = queryIndex(index, {
      search: terms.length > 0 ? { terms, includeTags: showTags } : null,
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
