// Times catalogPage() alone (CPU time) (search, facet counts, sort) on a seeded DATA_DIR, without the result cache,
// and the SQL-only reference path (catalogPageInSql: FTS5 MATCH and SQL facets, its ranks' index built per call).
// Run with the react-server condition so `server-only` modules load outside Next:
//   DATA_DIR=/tmp/seeded CATALOG_CACHE=off npx tsx --conditions=react-server scripts/lib/query-cost.ts
// Each kind of query is run 60 times untimed first (its first rounds in a process compile its paths).
// Options: --json (one JSON line), --no-sql (the head index alone: the SQL path takes minutes at 100,000 apps),
// --rounds=N (timed rounds per query kind, 30 by default; the median is printed).
import { catalogPage, catalogPageInSql } from '../../lib/catalog/catalog';
import { parseCatalogParams } from '../../lib/catalog/search-query';
import { VOCABULARY } from './catalog-seed';

const viewer = { id: 'bench', email: 'bench@bench.test', name: 'Bench', isAdmin: false, roles: [], fullAccess: true };
const settings = { publicMode: false, fullAccessRole: '' } as Parameters<typeof catalogPage>[1];

/** Untimed rounds of each kind of query before its timed ones (see median()). */
const WARM_ROUNDS = 60;

export function measureQueries(options: { sql?: boolean; rounds?: number } = {}): { query: string; 'CPU ms (head index)': number; 'CPU ms (SQL only)'?: number }[] {
  const cases: [string, (i: number) => Record<string, string>][] = [
    ['/', () => ({})],
    ['category', (i) => ({ category: `category-${VOCABULARY[i % 12]}` })],
    ['one word', (i) => ({ q: VOCABULARY[(i * 7) % VOCABULARY.length] })],
    ['two words + category', (i) => ({ q: `${VOCABULARY[(i * 7) % VOCABULARY.length]} ${VOCABULARY[(i * 13 + 5) % VOCABULARY.length].slice(0, 4)}`, category: `category-${VOCABULARY[i % 12]}` })],
  ];
  catalogPage(viewer, settings, parseCatalogParams({})); // opens and migrates the database
  // The audience's search index is built by its first search (its cost is reported apart): built here, with
  // enough searches after it that the collection of what the build left behind (process CPU time counts the
  // collector's threads) is over before the timed rounds.
  for (let i = 0; i < 200; i++) catalogPage(viewer, settings, parseCatalogParams({ q: VOCABULARY[i % VOCABULARY.length] }));
  const median = (run: (i: number) => void, rounds = 30, warm = 0) => {
    // Rounds of the same kind first, untimed: a kind's first few dozen queries in a process compile its paths
    // and collect what they left (two words and a category: 0.6–12 ms each for some 25 rounds at 10,000 apps,
    // then 0.55–0.6 ms), which would otherwise be half of the rounds a median is taken of.
    for (let i = 0; i < warm; i++) run(i);
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
      // CPU time, not wall time: on a shared machine the wall clock mostly measures the other processes.
      const started = process.cpuUsage();
      run(i);
      const used = process.cpuUsage(started);
      times.push((used.user + used.system) / 1000);
    }
    return +times.sort((a, b) => a - b)[Math.floor(rounds / 2)].toFixed(2);
  };
  return cases.map(([query, params]) => ({
    query,
    'CPU ms (head index)': median((i) => catalogPage(viewer, settings, parseCatalogParams(params(i))), options.rounds, WARM_ROUNDS),
    // The reference path builds its ranks' index afresh on every call: a few rounds are enough.
    ...(options.sql === false ? {} : { 'CPU ms (SQL only)': median((i) => catalogPageInSql(viewer, settings, parseCatalogParams(params(i))), 5) }),
  }));
}

if (process.argv[1]?.endsWith('query-cost.ts')) {
  const rounds = process.argv.find((a) => a.startsWith('--rounds='));
  const rows = measureQueries({ sql: !process.argv.includes('--no-sql'), rounds: rounds ? Number(rounds.slice('--rounds='.length)) : undefined });
  if (process.argv.includes('--json')) console.log(JSON.stringify(rows));
  else console.table(rows);
}
