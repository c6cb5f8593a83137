// The catalog's statements read only what a page needs (issue 15: query cost): their plans, as SQLite
// chooses them (EXPLAIN QUERY PLAN), use indexes and never scan a table whose size grows with the catalog.
import { type SQL, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import type { Viewer } from '@/lib/auth/policy';
import { visibleAppsWhere } from '@/lib/auth/visibility-sql';
import { insertAppRow, insertUser, useTempDataDir } from '@/lib/testing/db';
import { documentTextsQuery } from './document-words';
import { headIndexQueries } from './head-index';
import { headUpdateQueries } from './head-update';

useTempDataDir();

const plan = (query: SQL | string, ...params: string[]): string[] =>
  (typeof query === 'string'
    ? getDb().$client.prepare(`EXPLAIN QUERY PLAN ${query}`).all(...(params.length > 0 ? params : ['[]']))
    : getDb().all(sql`EXPLAIN QUERY PLAN ${query}`)
  ).map(
    (row) => (row as { detail: string }).detail,
  );

/** Tables whose size grows with the catalog: a plan may search them through an index, never scan them. */
const GROWING = ['apps', 'app_tags', 'app_assets', 'users', 'app_search_docs', 'catalog_heads'];

function expectNoScans(lines: string[]) {
  for (const table of GROWING) {
    for (const line of lines) expect(line, lines.join('\n')).not.toMatch(new RegExp(`^SCAN ${table}\\b|^SCAN \\w+ \\(${table}\\)|SCAN ${table} `));
  }
}

let viewer: Viewer;

beforeAll(() => {
  for (let i = 0; i < 100; i++) insertUser();
  const owner = insertUser();
  viewer = { id: owner.id, email: owner.email, name: owner.name, isAdmin: false, roles: [], fullAccess: true };
  Array.from({ length: 400 }, (_, i) =>
    insertAppRow({ name: `plan-${i}`, title: `Model ${i}`, ownerId: owner.id, visibility: i % 3 ? 'ALL_USERS' : 'PRIVATE' }),
  );
  getDb().$client.exec('ANALYZE');
});

describe('catalog query plans', () => {
  it("builds an audience's head index from one pass over its own rows of catalog_heads (tags included), and a visitor's tags and texts by key", () => {
    const visible = visibleAppsWhere(viewer, { publicMode: false, fullAccessRole: '' });
    for (const heads of ['shared', 'public'] as const) {
      const lines = plan(headIndexQueries.heads({ heads, key: heads }, visible)).join('\n');
      // The audience's rows in key order, sorted once; not the title index with a lookup of each head's row.
      expect(lines).toMatch(/^SEARCH catalog_heads USING PRIMARY KEY \(audience=\?\)$/m);
      expect(lines).toMatch(/USE TEMP B-TREE FOR ORDER BY/);
      expect(lines).not.toMatch(/app_tags|catalog_heads_title_idx/);
      expectNoScans(lines.split('\n'));
    }
    // A visitor's cards are the newest of the versions they may see: that reads every shared version once
    // per catalog generation (the index is kept per visitor), not once per request; their tags by key.
    const visitorTags = plan(headIndexQueries.tagsOf(['a', 'b'])).join('\n');
    expect(visitorTags).toMatch(/SEARCH at USING (COVERING )?INDEX \w+ \(app_id=\?\)/);
    expect(visitorTags).toMatch(/SEARCH d USING (COVERING )?INDEX \w+ \(app_id=\?\)/);
    expect(visitorTags).toMatch(/SEARCH t USING (COVERING )?INDEX \w+ \(id=\?\)/);
    expectNoScans(visitorTags.split('\n'));
    // A visitor with roles: each version's own few tags are walked (app_id=?) and checked against the exposing
    // tags found once, not one index lookup per exposing tag and version (`+at.tag_id` in visibility-sql.ts:
    // a visitor's build reads a quarter less).
    const partner: Viewer = { ...viewer, fullAccess: false, roles: ['partner'] };
    const visitorHeads = plan(headIndexQueries.identities({ heads: null, key: 'partner' }, visibleAppsWhere(partner, { publicMode: false, fullAccessRole: '' }))).join('\n');
    expect(visitorHeads).toMatch(/SEARCH at USING COVERING INDEX \w+ \(app_id=\?\)/);
    expect(visitorHeads).not.toMatch(/\(app_id=\? AND tag_id=\?\)/);
    // One rowid lookup per head (`=`), not a scan of the whole FTS5 table.
    expect(plan(headIndexQueries.texts).join('\n')).toMatch(/SCAN app_search VIRTUAL TABLE INDEX 0:=/);
  });

  it("updates an audience's head index reading every head through the recency index, and the changed ones, their tags and texts by key", () => {
    const visible = visibleAppsWhere(viewer, { publicMode: false, fullAccessRole: '' });
    for (const heads of ['shared', 'public'] as const) {
      const lines = plan(headIndexQueries.identities({ heads, key: heads }, visible));
      expect(lines.join('\n')).toMatch(/SEARCH catalog_heads USING INDEX catalog_heads_recent_idx \(audience=\?\)/);
      expect(lines.join('\n')).not.toMatch(/TEMP B-TREE/);
      expectNoScans(lines);
      const changed = plan(headUpdateQueries.heads, '[1, 2]', heads);
      expect(changed.join('\n')).toMatch(/SEARCH h USING (COVERING )?INDEX catalog_heads_doc_idx \(doc_id=\? AND audience=\?\)/);
      expectNoScans(changed);
    }
    const tags = plan(headIndexQueries.tagsOf(['a'])).join('\n');
    expect(tags).toMatch(/SEARCH at USING (COVERING )?INDEX \w+ \(app_id=\?\)/);
    expect(tags).toMatch(/SEARCH d USING (COVERING )?INDEX \w+ \(app_id=\?\)/);
    expect(tags).toMatch(/SEARCH t USING (COVERING )?INDEX \w+ \(id=\?\)/);
    expectNoScans(tags.split('\n'));
    const texts = plan(documentTextsQuery);
    expect(texts.join('\n')).toMatch(/SCAN s VIRTUAL TABLE INDEX 0:=/);
    expect(texts.join('\n')).toMatch(/SEARCH d USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    expectNoScans(texts);
  });

  it('keeps the catalog up to date from triggers that find their rows by index (imports stay linear in the catalog)', () => {
    const triggers = getDb().$client.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all() as { name: string; sql: string }[];
    expect(triggers.length).toBeGreaterThan(5);
    // Among them those that keep catalog_heads.tag_ids (migration 0013).
    expect(triggers.map((t) => t.name)).toEqual(
      expect.arrayContaining(['catalog_heads_tags_ai', 'app_tags_heads_ai', 'app_tags_heads_ad', 'app_tags_heads_au']),
    );
    let checked = 0;
    for (const trigger of triggers) {
      const body = trigger.sql.slice(trigger.sql.search(/\bBEGIN\b/) + 5, trigger.sql.lastIndexOf('END'));
      for (const statement of body.split(';').map((s) => s.trim()).filter(Boolean)) {
        const bound = statement.replace(/\b(NEW|OLD)\.\w+/g, '?');
        const params = Array.from({ length: (bound.match(/\?/g) ?? []).length }, () => null);
        const lines = (getDb().$client.prepare(`EXPLAIN QUERY PLAN ${bound}`).all(...params) as { detail: string }[]).map((r) => r.detail);
        expectNoScans(lines);
        // A skip-scan (`ANY(column)`) is chosen only from ANALYZE statistics, which a portal's database lacks: it scans there.
        for (const line of lines) expect(line, `${trigger.name}: ${statement}`).not.toMatch(/\bANY\(/);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});
