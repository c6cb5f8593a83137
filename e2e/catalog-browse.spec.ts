// Browsing the catalog on a desktop and a phone (issue 16 items 8, 11 and the cards of 12): the order of
// "Recently updated", the cards' title, Name, version, owner and date, filters that fold on narrow screens,
// several categories at once, a skip link to the results, and a layout that does not jump.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { importApp } from './bundles';
import { asAdmin, createUser, signIn, tokenFor, unique } from './helpers';

const word = () => unique('w').replaceAll('-', '');
const VIEWPORTS = [
  { width: 1280, height: 900 },
  { width: 390, height: 844 },
];
/** Below Tailwind's md breakpoint the filters fold behind the Filters button. */
const folded = (viewport: { width: number }) => viewport.width < 768;
const today = () => new Date().toISOString().slice(0, 10);

async function createCategory(request: APIRequestContext, name: string, title: string) {
  const res = await request.post('/api/v1/tags', { headers: await asAdmin(request), data: { name, title, isCategory: true } });
  expect(res.status(), await res.text()).toBe(201);
}

async function patchApp(request: APIRequestContext, id: string, data: Record<string, unknown>) {
  const res = await request.patch(`/api/v1/apps/${id}`, { headers: await asAdmin(request), data });
  expect(res.status(), await res.text()).toBe(200);
}

const cardNames = (page: Page) => page.getByTestId('app-card').evaluateAll((els) => els.map((e) => e.getAttribute('data-app-name')));

async function signedIn(page: Page, request: APIRequestContext) {
  const user = await createUser(request);
  await signIn(page, user.email, user.password);
}

test('"Recently updated" puts an app just published or re-tagged first, and its card says when', async ({ page, request }) => {
  const admin = await asAdmin(request);
  const w = word();
  const tag = unique('fresh');
  await createCategory(request, tag, `Fresh ${w}`);
  const early = await importApp(request, admin, { name: unique('ai.e2e.early'), title: `Early ${w}`, description: w }, 'ALL_USERS');
  const draft = await importApp(request, admin, { name: unique('ai.e2e.draft'), title: `Draft ${w}`, description: w }, 'PRIVATE');
  const late = await importApp(request, admin, { name: unique('ai.e2e.late'), title: `Late ${w}`, description: w }, 'ALL_USERS');
  await signedIn(page, request);

  await page.goto(`/?q=${w}&sort=updated`);
  await expect.poll(() => cardNames(page)).toEqual([late.name, early.name]);

  // Published after `late` was imported: first, although imported before it.
  await patchApp(request, draft.id, { visibility: 'ALL_USERS' });
  await page.reload();
  await expect.poll(() => cardNames(page)).toEqual([draft.name, late.name, early.name]);
  const first = page.getByTestId('app-card').first();
  await expect(first.locator('.card-foot')).toHaveText(new RegExp(`^by .+updated ${today()}$`));
  await expect(first.locator('.card-foot time')).toHaveAttribute('datetime', today());

  // A tag added to the oldest one moves it to the top.
  await patchApp(request, early.id, { tags: [tag] });
  await page.reload();
  await expect.poll(() => cardNames(page)).toEqual([early.name, draft.name, late.name]);
});

for (const width of [1280, 390]) {
  test(`cards lead with the title; a long Name never hides the version; owner and date show (${width} px)`, async ({ page, request }) => {
    const w = word();
    const owner = await createUser(request, { prefix: 'owner' });
    const ownerHeaders = { Authorization: `Bearer ${await tokenFor(request, owner.email, owner.password)}` };
    // Name-Version may be 63 characters: a Name of 50 with a long pre-release version.
    const name = `ai.e2e.${w}.a-very-long-machine-name`.slice(0, 50);
    const version = '10.20.30-rc.1';
    await importApp(request, ownerHeaders, { name, version, title: `Readable title ${w}`, description: w }, 'ALL_USERS');
    await page.setViewportSize({ width, height: 900 });
    await signedIn(page, request);
    await page.goto(`/?q=${w}`);

    const card = page.getByTestId('app-card');
    await expect(card).toHaveCount(1);
    // The title is the card's heading and link; the Name and version follow as secondary text.
    await expect(card.getByRole('heading', { level: 2 })).toHaveText(`Readable title ${w}`);
    const meta = card.locator('.card-meta');
    await expect(meta.locator('.card-name')).toHaveText(name);
    const versionText = meta.locator('span').nth(1);
    await expect(versionText).toHaveText(version);
    // The version is shown whole, inside the card, whatever happens to the Name.
    const fits = await versionText.evaluate((el) => {
      const box = el.getBoundingClientRect();
      const cardBox = el.closest('li')!.getBoundingClientRect();
      return el.scrollWidth <= el.clientWidth + 0.5 && box.right <= cardBox.right && box.width > 0;
    });
    expect(fits).toBe(true);
    await expect(card.locator('.card-foot')).toHaveText(new RegExp(`^by ${owner.name}\\s*updated ${today()}$`));
    // Nothing scrolls sideways on a phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
  });
}

test('on a phone the filters fold behind a "Filters" button and the first app comes first', async ({ page, request }) => {
  const admin = await asAdmin(request);
  const w = word();
  const category = unique('phone');
  await createCategory(request, category, `Phone ${w}`);
  await importApp(request, admin, { name: unique('ai.e2e.phone'), description: w, tags: [category] }, 'ALL_USERS');
  await page.setViewportSize({ width: 390, height: 844 });
  await signedIn(page, request);
  await page.goto(`/?q=${w}`);

  const button = page.getByRole('button', { name: 'Filters' });
  const facets = page.getByRole('navigation', { name: 'Categories' });
  await expect(button).toBeVisible();
  await expect(button).toHaveAttribute('aria-expanded', 'false');
  await expect(facets).toBeHidden();
  // The first card starts in the first screen, right under the search box.
  const cardTop = await page.getByTestId('app-card').first().evaluate((el) => el.getBoundingClientRect().top);
  expect(cardTop).toBeLessThan(400);

  await button.click();
  await expect(button).toHaveAttribute('aria-expanded', 'true');
  await expect(facets.getByRole('link', { name: `Phone ${w}` })).toBeVisible();
  await facets.getByRole('link', { name: `Phone ${w}` }).click();
  await expect(page).toHaveURL(new RegExp(`category=${category}`));
  // Folded again on the new page, and the button says how many filters are chosen.
  await expect(page.getByRole('button', { name: 'Filters (1)' })).toHaveAttribute('aria-expanded', 'false');

  // On a desktop the filters are beside the results, with no button.
  await page.setViewportSize({ width: 1280, height: 900 });
  await expect(page.getByRole('button', { name: /^Filters/ })).toBeHidden();
  await expect(page.getByRole('navigation', { name: 'Categories' })).toBeVisible();
});

for (const viewport of VIEWPORTS) {
  test(`several categories at once: an app in any of them is listed, and each link adds or removes its category (${viewport.width} px)`, async ({ page, request }) => {
    await page.setViewportSize(viewport);
    const admin = await asAdmin(request);
    const w = word();
    const [vision, nlp] = [unique('vision'), unique('nlp')];
    await createCategory(request, vision, `Vision ${w}`);
    await createCategory(request, nlp, `NLP ${w}`);
    const a = await importApp(request, admin, { name: unique('ai.e2e.anyof-a'), description: w, tags: [vision] }, 'ALL_USERS');
    const b = await importApp(request, admin, { name: unique('ai.e2e.anyof-b'), description: w, tags: [nlp] }, 'ALL_USERS');
    await importApp(request, admin, { name: unique('ai.e2e.anyof-c'), description: w }, 'ALL_USERS');
    await signedIn(page, request);
    await page.goto(`/?q=${w}`);
    await expect(page.getByTestId('app-card')).toHaveCount(3);

    const categories = page.getByRole('navigation', { name: 'Categories' });
    // On a phone the categories are behind the Filters button, folded again on every new page (a search that
    // lands on the very page it left, in place, keeps them as they were).
    const openFilters = async () => {
      const button = page.getByRole('button', { name: /^Filters/ });
      if (folded(viewport) && (await button.getAttribute('aria-expanded')) === 'false') await button.click();
    };
    await openFilters();
    await categories.getByRole('link', { name: `Vision ${w}` }).click();
    await expect(page.getByTestId('catalog-total')).toHaveText('1 app');
    await openFilters();
    await categories.getByRole('link', { name: `NLP ${w}` }).click();
    await expect(page.getByTestId('catalog-total')).toHaveText('2 apps');
    expect(new URL(page.url()).searchParams.getAll('category').sort()).toEqual([nlp, vision].sort());
    expect((await cardNames(page)).sort()).toEqual([a.name, b.name].sort());
    await openFilters();
    await expect(categories.getByRole('link', { name: `Vision ${w}` })).toHaveAttribute('aria-current', 'true');
    await expect(categories.getByRole('link', { name: `NLP ${w}` })).toHaveAttribute('aria-current', 'true');
    // Each category still counts its own apps (the others do not narrow it).
    await expect(categories.getByRole('link', { name: `Vision ${w}` }).locator('.facet-count')).toHaveText(/1$/);

    // A search keeps the chosen categories; the link of a chosen one removes it.
    await page.getByRole('searchbox', { name: 'Search apps' }).fill(w);
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('catalog-total')).toHaveText('2 apps');
    await openFilters();
    await categories.getByRole('link', { name: `Vision ${w}` }).click();
    await expect(page.getByTestId('catalog-total')).toHaveText('1 app');
    expect(await cardNames(page)).toEqual([b.name]);
    await openFilters();
    await categories.getByRole('link', { name: 'All' }).click();
    await expect(page.getByTestId('catalog-total')).toHaveText('3 apps');
  });
}

for (const viewport of VIEWPORTS) {
  test(`a skip link takes keyboard users past the filters to the results (${viewport.width} px)`, async ({ page, request }) => {
    await page.setViewportSize(viewport);
    const admin = await asAdmin(request);
    const w = word();
    const category = unique('skip');
    await createCategory(request, category, `Skip ${w}`);
    await importApp(request, admin, { name: unique('ai.e2e.skip'), title: `Skip target ${w}`, description: w, tags: [category] }, 'ALL_USERS');
    await signedIn(page, request);
    await page.goto(`/?q=${w}`);

    const skip = page.getByRole('link', { name: 'Skip to results' });
    // It comes before the search box and every filter link in the tab order.
    const order = await page.evaluate(() => {
      const focusable = [...document.querySelectorAll<HTMLElement>('a[href], button, input:not([type=hidden])')];
      const index = (el: Element | null) => focusable.indexOf(el as HTMLElement);
      return {
        skip: index([...document.querySelectorAll('a')].find((a) => a.textContent === 'Skip to results') ?? null),
        search: index(document.querySelector('#catalog-search')),
        firstFacet: index(document.querySelector('[aria-label="Categories"] a')),
      };
    });
    expect(order.skip).toBeGreaterThanOrEqual(0);
    expect(order.skip).toBeLessThan(order.search);
    expect(order.skip).toBeLessThan(order.firstFacet);
    // On a phone the filters are folded away: the Filters button follows the skip link too.
    if (folded(viewport)) await expect(page.getByRole('navigation', { name: 'Categories' })).toBeHidden();

    await skip.focus();
    await expect(skip).toBeVisible();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('catalog-total')).toBeFocused();
    // The next Tab reaches the results (the sort links, then the first card), not the filters.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => !!document.activeElement?.closest('section[aria-labelledby="catalog-results"]'))).toBe(true);
  });
}

test('the results stay in place when a search has no categories or badges (1280 px)', async ({ page, request }) => {
  const admin = await asAdmin(request);
  const [tagged, plain] = [word(), word()];
  const category = unique('steady');
  await createCategory(request, category, `Steady ${tagged}`);
  await importApp(request, admin, { name: unique('ai.e2e.tagged'), description: tagged, tags: [category] }, 'ALL_USERS');
  await importApp(request, admin, { name: unique('ai.e2e.plain'), description: plain }, 'ALL_USERS');
  await page.setViewportSize({ width: 1280, height: 900 });
  await signedIn(page, request);

  const resultsLeft = () => page.getByTestId('catalog-total').evaluate((el) => el.getBoundingClientRect().left);
  await page.goto(`/?q=${tagged}`);
  await expect(page.getByRole('navigation', { name: 'Categories' })).toBeVisible();
  const withFacets = await resultsLeft();
  await page.goto(`/?q=${plain}`);
  await expect(page.getByTestId('app-card')).toHaveCount(1);
  await expect(page.getByRole('navigation', { name: 'Categories' })).toHaveCount(0);
  await expect(page.getByText('No categories or badges for these results.')).toBeVisible();
  expect(await resultsLeft()).toBe(withFacets);
});
