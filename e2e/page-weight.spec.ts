// The weight of the catalog page and of an app page as sent (issue 15): HTML plus the React payload,
// uncompressed. A catalog page of 24 cards, each with an icon, a category and two badges, out of 50 tags,
// as the benchmark's seeded catalog has them; an app page beside its Markdown.
import { expect, test } from '@playwright/test';
import { importApp } from './bundles';
import { asAdmin, createUser, signIn } from './helpers';

const CATALOG_MAX = 64 * 1024;
const APP_PAGE_MAX = 48 * 1024;
const VOCABULARY = 'model data analysis vision language churn fraud credit risk score pipeline dashboard explore predict time series'.split(' ');

test('a catalog page with 24 cards weighs at most 64 KB, an app page at most 48 KB beside its Markdown', async ({ page, request }) => {
  test.setTimeout(120_000);
  const admin = await asAdmin(request);
  // Names as long as the benchmark's (`category-analysis`, `badge-21`, `ai.bench.app00199`), unique to this run.
  const w = `w${Math.random().toString(36).slice(2, 7)}`;
  const tags: string[] = [];
  for (let i = 0; i < 50; i++) {
    const name = i < 12 ? `${w}-${VOCABULARY[i]}` : `${w}-b${i}`;
    const title = i < 12 ? `${VOCABULARY[i][0].toUpperCase()}${VOCABULARY[i].slice(1)} ${i}` : `Badge ${i}`;
    const res = await request.post('/api/v1/tags', { headers: admin, data: { name, title, isCategory: i < 12, color: '#1d4ed8' } });
    expect(res.status(), await res.text()).toBe(201);
    tags.push(name);
  }
  const words = (n: number, k: number) => Array.from({ length: n }, (_, i) => VOCABULARY[(k * 7 + i * 3) % VOCABULARY.length]).join(' ');
  const longDescription = `### Features\n\n* ${words(12, 1)}\n* ${words(12, 2)}\n\n${words(40, 3)} ${w}\n`;
  let last = '';
  for (let n = 0; n < 24; n++) {
    const app = await importApp(
      request,
      admin,
      {
        name: `ai.${w}.app${String(n).padStart(5, '0')}`,
        title: `${words(2, n)} ${n}`.replace(/^./, (c) => c.toUpperCase()),
        description: `${words(10, n)} ${w} no${n}`,
        longDescription,
        tags: [tags[n % 12], tags[12 + (n % 38)], tags[12 + ((n * 7) % 38)]],
      },
      'ALL_USERS',
    );
    last = app.name;
  }
  const user = await createUser(request);
  await signIn(page, user.email, user.password);

  const catalog = await page.request.get(`/?q=${w}&sort=updated`);
  const html = await catalog.text();
  expect(html.split('data-testid="app-card"').length - 1).toBe(24);
  console.log(`catalog page with 24 cards: ${Buffer.byteLength(html)} bytes`);
  expect(Buffer.byteLength(html), 'catalog page bytes').toBeLessThanOrEqual(CATALOG_MAX);
  // Each card's data is sent once in the payload beside its markup, not as a second element tree.
  const description = `${words(10, 5)} ${w} no5`;
  expect(html.split(description).length - 1).toBe(2);

  const app = await (await page.request.get(`/apps/${last}`)).text();
  console.log(`app page: ${Buffer.byteLength(app)} bytes with ${Buffer.byteLength(longDescription)} bytes of Markdown`);
  expect(Buffer.byteLength(app) - Buffer.byteLength(longDescription), 'app page bytes beside the Markdown').toBeLessThanOrEqual(APP_PAGE_MAX);
});
