// The catalog's card statements (cardQueries) read only what a page needs (issue 15: query cost): their
// plans, as SQLite chooses them (EXPLAIN QUERY PLAN), use indexes and never scan a table that grows with the catalog.
import { Placeholder } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import type { Viewer } from '@/lib/auth/policy';
import { preparedVisibility } from '@/lib/auth/visibility-sql';
import { insertAppRow, insertUser, useTempDataDir } from '@/lib/testing/db';
import { cardQueries, presentQueries } from './read';

useTempDataDir();

/** SQLite's plan for a prepared statement, its JSON id list holding `ids` and its other parameters from `values`. */
function planOf(query: { getQuery(): { sql: string; params: unknown[] } }, ids: string[], values: Record<string, unknown> = {}): string[] {
  const { sql: text, params } = query.getQuery();
  const bound = params.map((p) => (p instanceof Placeholder ? (p.name === 'ids' ? JSON.stringify(ids) : values[p.name]) : p));
  return getDb()
    .$client.prepare(`EXPLAIN QUERY PLAN ${text}`)
    .all(...bound)
    .map((row) => (row as { detail: string }).detail);
}

/** Tables whose size grows with the catalog: a plan may search them through an index, never scan them. */
const GROWING = ['apps', 'app_tags', 'app_assets', 'users'];

function expectNoScans(lines: string[]) {
  for (const table of GROWING) {
    for (const line of lines) expect(line, lines.join('\n')).not.toMatch(new RegExp(`^SCAN ${table}\\b|^SCAN \\w+ \\(${table}\\)|SCAN ${table} `));
  }
}

let ids: string[];
const viewers: Viewer[] = [];

beforeAll(() => {
  for (let i = 0; i < 100; i++) insertUser();
  const owner = insertUser();
  const base = { id: owner.id, email: owner.email, name: owner.name, isAdmin: false, roles: [] as string[], fullAccess: true };
  viewers.push(base, { ...base, fullAccess: false, roles: ['analyst'] }, { ...base, isAdmin: true });
  ids = Array.from({ length: 400 }, (_, i) =>
    insertAppRow({ name: `plan-${i}`, title: `Model ${i}`, ownerId: owner.id, visibility: i % 3 ? 'ALL_USERS' : 'PRIVATE' }),
  );
  getDb().$client.exec('ANALYZE');
});

describe('catalog card query plans', () => {
  it("reads a page's cards and owners by key, for every kind of viewer", () => {
    const page = ids.slice(0, 24);
    for (const viewer of [null, ...viewers]) {
      const { where, values } = preparedVisibility(viewer, { publicMode: true, fullAccessRole: '' });
      const cards = planOf(cardQueries.cardRows(getDb(), where), page, values);
      expect(cards.join('\n')).toMatch(/SEARCH apps USING INDEX sqlite_autoindex_apps_1 \(id=\?\)/);
      expect(cards.join('\n')).toMatch(/SEARCH users USING INDEX sqlite_autoindex_users_1 \(id=\?\)/);
      expectNoScans(cards);
    }
  });

  it("reads a page's tags and icons by key", () => {
    const page = ids.slice(0, 24);
    const tags = planOf(presentQueries(getDb()).tags, page);
    expect(tags.join('\n')).toMatch(/SEARCH app_tags USING (COVERING )?INDEX \w+ \(app_id=\?\)/);
    expectNoScans(tags);
    const icons = planOf(cardQueries.iconsOf(getDb()), page);
    expect(icons.join('\n')).toMatch(/SEARCH app_assets USING (COVERING )?INDEX \w+ \(app_id=\?/);
    expectNoScans(icons);
  });
});

describe('app page query plans', () => {
  it("reads a version's owners, tags and assets by key from a JSON list of ids (present(), prepared once)", () => {
    const queries = presentQueries(getDb());
    const page = ids.slice(0, 3);
    const owners = planOf(queries.owners, page);
    expect(owners.join('\n')).toMatch(/SEARCH users USING INDEX sqlite_autoindex_users_1 \(id=\?\)/);
    expectNoScans(owners);
    const tags = planOf(queries.tags, page);
    expect(tags.join('\n')).toMatch(/SEARCH app_tags USING (COVERING )?INDEX \w+ \(app_id=\?\)/);
    expectNoScans(tags);
    const assets = planOf(queries.assets, page);
    expect(assets.join('\n')).toMatch(/SEARCH app_assets USING (COVERING )?INDEX \w+ \(app_id=\?/);
    expectNoScans(assets);
  });
});
