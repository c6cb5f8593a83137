import { catalogPage } from '/work/wt-search/lib/catalog/catalog';
import { parseCatalogParams } from '/work/wt-search/lib/catalog/search-query';
import { VOCABULARY } from '/work/wt-search/scripts/lib/catalog-seed';
const viewer = { id: 'bench', email: 'bench@bench.test', name: 'Bench', isAdmin: false, roles: [], fullAccess: true };
const settings = { publicMode: false, fullAccessRole: '' } as any;
let t = process.hrtime.bigint();
catalogPage(viewer, settings, parseCatalogParams({}));
console.log('first / (index build)', Number(process.hrtime.bigint() - t) / 1e6);
t = process.hrtime.bigint();
catalogPage(viewer, settings, parseCatalogParams({ q: 'zz' }));
console.log('first search (search build)', Number(process.hrtime.bigint() - t) / 1e6, 'MB', process.memoryUsage().heapUsed/1e6, process.memoryUsage().arrayBuffers/1e6);
const cases: [string, (i: number) => Record<string, string>][] = [
  ['/', () => ({})],
  ['category', (i) => ({ category: `category-${VOCABULARY[i % 12]}` })],
  ['one word', (i) => ({ q: VOCABULARY[(i * 7) % VOCABULARY.length] })],
  ['two words + category', (i) => ({ q: `${VOCABULARY[(i * 7) % VOCABULARY.length]} ${VOCABULARY[(i * 13 + 5) % VOCABULARY.length].slice(0, 4)}`, category: `category-${VOCABULARY[i % 12]}` })],
  ['two-letter prefix', (i) => ({ q: VOCABULARY[(i * 3) % VOCABULARY.length].slice(0, 2) })],
];
for (const [name, p] of cases) {
  const times: number[] = [];
  for (let i = 0; i < 30; i++) { const s = process.cpuUsage(); catalogPage(viewer, settings, parseCatalogParams(p(i))); const u = process.cpuUsage(s); times.push((u.user + u.system) / 1000); }
  times.sort((a, b) => a - b);
  console.log(name, 'median', times[15].toFixed(2), 'p90', times[27].toFixed(2));
}
