// The catalog index's rebuild after one import, full against incremental, side by side in one run, on a
// copy of a seeded DATA_DIR's database (the source is only read): the process first builds the
// full-access audience's head and search indexes (a cold start), then, several rounds, inserts a new
// version of a seeded Name with two tags (the rows and triggers of an import) and times
//   - the update the server now does: headIndex() + searchOf() (head-update.ts, search-update.ts);
//   - a full build from the cached words: freshHeadIndex() + assembleSearchIndex() (document-words.ts);
//   - a full build from scratch, as before: freshHeadIndex() + freshSearchIndex() (every text read and tokenized).
// Then the same for a visitor with roles (an audience of their own, whose cards are computed from the versions
// they may see, not read from catalog_heads; a seed without authorization tags gets some in the copy): their
// full build, and the identity read an update would need first (every head's doc id, version id and
// updated_at under the visitor's visibility condition, as head-update.ts reads them for the other audiences).
// Run with the react-server condition so `server-only` modules load outside Next:
//   DATA_DIR=/tmp/seeded node --conditions=react-server --import tsx scripts/lib/reindex-cost.ts [--rounds 5]
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

const source = path.resolve(process.env.DATA_DIR ?? './data', 'appstore.db');
const roundsArg = process.argv.indexOf('--rounds');
const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 5;

function timed<T>(run: () => T): { value: T; wall: number; cpu: number } {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = run();
  const used = process.cpuUsage(cpu);
  return { value, wall: performance.now() - started, cpu: (used.user + used.system) / 1000 };
}

const median = (values: number[]) => +[...values].sort((a, b) => a - b)[Math.floor(values.length / 2)].toFixed(0);

async function main() {
  if (!fs.existsSync(source)) throw new Error(`No database at ${source}: set DATA_DIR to a seeded data directory.`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reindex-cost-'));
  try {
    const copying = performance.now();
    const from = new Database(source, { readonly: true, fileMustExist: true });
    await from.backup(path.join(dir, 'appstore.db'));
    from.close();
    console.log(`copied ${source} to ${dir} (${((performance.now() - copying) / 1000).toFixed(1)} s)`);
    process.env.DATA_DIR = dir;
    process.env.CATALOG_CACHE = 'off';

    const { getDb } = await import('../../db');
    const { visibleAppsWhere } = await import('../../lib/auth/visibility-sql');
    const { audienceOf, freshHeadIndex, freshSearchIndex, headIndex, headIndexQueries, searchOf } = await import('../../lib/catalog/head-index');
    const { assembleSearchIndex, cachedDocumentWords, documentWordStats } = await import('../../lib/catalog/document-words');
    const { headUpdateStats } = await import('../../lib/catalog/head-update');
    const { searchUpdateStats } = await import('../../lib/catalog/search-update');
    const { versionKey } = await import('../../lib/catalog/version-order');

    const viewer = { id: 'bench', email: 'bench@bench.test', name: 'Bench', isAdmin: false, roles: [], fullAccess: true };
    const settings = { publicMode: false, fullAccessRole: '' } as Parameters<typeof audienceOf>[1];
    const audience = audienceOf(viewer, settings);
    const visible = visibleAppsWhere(viewer, settings);
    const db = getDb().$client;

    const heapBefore = process.memoryUsage();
    const cold = timed(() => searchOf(headIndex(audience, visible)));
    const cards = headIndex(audience, visible).appIds.length;
    console.log(`${cards} cards; first build in this process (head index + words, every text tokenized): ${cold.cpu.toFixed(0)} ms CPU, ${cold.wall.toFixed(0)} ms wall`);
    const heapAfter = process.memoryUsage();
    const megabytes = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
    const cache = cachedDocumentWords();
    console.log(
      `memory after it: heap +${megabytes(heapAfter.heapUsed - heapBefore.heapUsed)} MB, typed arrays +${megabytes(heapAfter.arrayBuffers - heapBefore.arrayBuffers)} MB ` +
        `(the audience's index and the words cache: ${cache.documents} documents, ${cache.postings} postings, ${cache.words} words)`,
    );

    const tagIds = (db.prepare('SELECT id FROM tags ORDER BY name LIMIT 2').pluck().all() as string[]);
    const template = db.prepare(`SELECT * FROM apps WHERE visibility IN ('ALL_USERS', 'PUBLIC') ORDER BY rowid LIMIT 1 OFFSET ?`);
    const columns = (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('apps') as string[]);
    const insert = db.prepare(`INSERT INTO apps (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
    const tagInsert = db.prepare('INSERT INTO app_tags (app_id, tag_id) VALUES (?, ?)');
    /** One import's rows: a new, newest version of a seeded Name, with two tags. */
    const importOne = (round: number) => {
      const row = template.get(round * 997) as Record<string, unknown>;
      const version = `99.${round}.0`;
      db.transaction(() => {
        const id = randomUUID();
        insert.run({ ...row, id, version, version_key: versionKey(version), created_at: Date.now(), listed_at: null });
        for (const tag of tagIds) tagInsert.run(id, tag);
      })();
    };

    // Updates and full builds in separate rounds, so that neither pays for the garbage the other leaves.
    // CPU time (this process's, GC threads included) is the figure: on a shared machine the wall clock mostly
    // measures the other processes. Wall time of the update is shown beside it.
    const rows: {
      round: number;
      'update (CPU ms)': number;
      'update (wall ms)': number;
      'full, cached words (CPU ms)': number;
      'full from scratch (CPU ms)': number;
      'heads re-read': number;
      'cards re-derived': number;
      tokenized: number;
    }[] = [];
    for (let round = 1; round <= rounds; round++) {
      importOne(round);
      const before = { ...headUpdateStats, ...searchUpdateStats, tokenized: documentWordStats.tokenized };
      const update = timed(() => searchOf(headIndex(audience, visible)));
      if (headUpdateStats.updated === before.updated) throw new Error('the index was rebuilt, not updated');
      rows.push({
        round,
        'update (CPU ms)': +update.cpu.toFixed(0),
        'update (wall ms)': +update.wall.toFixed(0),
        'full, cached words (CPU ms)': 0,
        'full from scratch (CPU ms)': 0,
        'heads re-read': headUpdateStats.reread - before.reread,
        'cards re-derived': searchUpdateStats.rederived - before.rederived,
        tokenized: documentWordStats.tokenized - before.tokenized,
      });
    }
    for (const row of rows) {
      importOne(rounds + row.round);
      row['full, cached words (CPU ms)'] = +timed(() => assembleSearchIndex(freshHeadIndex(audience, visible))).cpu.toFixed(0);
      row['full from scratch (CPU ms)'] = +timed(() => freshSearchIndex(freshHeadIndex(audience, visible))).cpu.toFixed(0);
    }
    console.table(rows);
    console.log(
      `median after one import at ${cards} cards (CPU time, head index + search index): update ${median(rows.map((r) => r['update (CPU ms)']))} ms ` +
        `(wall ${median(rows.map((r) => r['update (wall ms)']))} ms), full build from cached words ${median(rows.map((r) => r['full, cached words (CPU ms)']))} ms, ` +
        `full build from scratch ${median(rows.map((r) => r['full from scratch (CPU ms)']))} ms`,
    );

    // A visitor with roles: the seed's authorization tags, or, without any, ten tags made ones in the copy.
    const role = 'bench-partner';
    const exposing = db.prepare('SELECT count(*) FROM tags WHERE json_array_length(visitor_roles) > 0').pluck().get() as number;
    if (exposing === 0) db.prepare(`UPDATE tags SET visitor_roles = json_array(?) WHERE id IN (SELECT id FROM tags ORDER BY name LIMIT 10)`).run(role);
    const roles = exposing === 0 ? [role] : [...new Set(db.prepare('SELECT r.value FROM tags t, json_each(t.visitor_roles) r').pluck().all() as string[])];
    const visitor = { id: 'bench-visitor', email: 'visitor@bench.test', name: 'Visitor', isAdmin: false, roles, fullAccess: false };
    const visitorAudience = audienceOf(visitor, settings);
    const visitorVisible = visibleAppsWhere(visitor, settings);
    const visitorCold = timed(() => searchOf(headIndex(visitorAudience, visitorVisible)));
    const visitorCards = headIndex(visitorAudience, visitorVisible).appIds.length;
    console.log(
      `visitor with roles ${roles.join(', ')} (${exposing === 0 ? 'ten tags given that role in the copy' : `${exposing} authorization tags in the seed`}): ` +
        `${visitorCards} cards; first build ${visitorCold.cpu.toFixed(0)} ms CPU`,
    );
    const visitorRows: { round: number; 'identity read (CPU ms)': number; 'head index build (CPU ms)': number; 'search from cached words (CPU ms)': number }[] = [];
    for (let round = 1; round <= rounds; round++) {
      importOne(2 * rounds + round);
      const identities = timed(() => getDb().values(headIndexQueries.identities(visitorAudience, visitorVisible)));
      const build = timed(() => freshHeadIndex(visitorAudience, visitorVisible));
      if (identities.value.length !== build.value.appIds.length) throw new Error('the identity read and the build disagree');
      const search = timed(() => assembleSearchIndex(build.value));
      visitorRows.push({
        round,
        'identity read (CPU ms)': +identities.cpu.toFixed(0),
        'head index build (CPU ms)': +build.cpu.toFixed(0),
        'search from cached words (CPU ms)': +search.cpu.toFixed(0),
      });
    }
    console.table(visitorRows);
    const identity = median(visitorRows.map((r) => r['identity read (CPU ms)']));
    const visitorBuild = median(visitorRows.map((r) => r['head index build (CPU ms)']));
    console.log(
      `median after one import, visitor at ${visitorCards} cards (CPU time): identity read ${identity} ms, head index build ${visitorBuild} ms ` +
        `(the read alone is ${((100 * identity) / visitorBuild).toFixed(0)} % of it), search index from cached words ${median(visitorRows.map((r) => r['search from cached words (CPU ms)']))} ms`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
