// The README's tour: screenshots of the catalog, an app's page, the import form with errors, the edit
// panel and My Apps on a phone, taken from the running portal so that they show what it really looks like.
// Runs only with TOUR=1 (`npm run tour`, against a fresh data directory) so that `npm test` never rewrites
// the committed pictures in docs/tour/.
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { importApp, makeBundle } from './bundles';
import { asAdmin, signIn, tokenFor } from './helpers';

const OUT = path.join(import.meta.dirname, '..', 'docs', 'tour');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

test.skip(!process.env.TOUR, 'Set TOUR=1 (npm run tour) to regenerate docs/tour/.');
test.describe.configure({ mode: 'serial' });

const CATEGORIES = [
  { name: 'DATA_SCIENCE', title: 'Data science', color: '#1565c0' },
  { name: 'NLP', title: 'Language', color: '#6a1b9a' },
  { name: 'VISION', title: 'Vision', color: '#2e7d32' },
];

const APPS = [
  { name: 'churn-predictor', title: 'Churn predictor', hue: 210, category: 'DATA_SCIENCE', description: 'Scores every customer by the risk of leaving and explains why.' },
  { name: 'doc-summarizer', title: 'Document summarizer', hue: 280, category: 'NLP', description: 'Upload contracts or reports and get a one-page summary with citations.' },
  { name: 'defect-spotter', title: 'Defect spotter', hue: 130, category: 'VISION', description: 'Finds scratches and dents on production-line photos in real time.' },
  { name: 'sales-forecast', title: 'Sales forecast', hue: 30, category: 'DATA_SCIENCE', description: 'Weekly demand per store and product, with confidence bands.' },
  { name: 'ticket-router', title: 'Ticket router', hue: 330, category: 'NLP', description: 'Sends each support ticket to the team that can answer it.' },
  { name: 'fraud-radar', title: 'Fraud radar', hue: 0, category: 'DATA_SCIENCE', description: 'Flags suspicious card payments and lets analysts review them.' },
];

/** A PNG drawn by the browser itself: no image library, and no picture from elsewhere. */
async function draw(browser: Browser, html: string, size: { width: number; height: number }): Promise<Buffer> {
  const page = await browser.newPage({ viewport: size });
  await page.setContent(`<body style="margin:0">${html}</body>`);
  const png = await page.screenshot({ type: 'png' });
  await page.close();
  return png;
}

const icon = (hue: number) =>
  `<div style="width:128px;height:128px;border-radius:28px;background:linear-gradient(135deg,hsl(${hue} 70% 55%),hsl(${hue + 40} 70% 35%));display:flex;align-items:flex-end;gap:10px;padding:26px;box-sizing:border-box">
    ${[40, 70, 52, 90].map((h) => `<div style="width:12px;height:${h * 0.8}px;background:rgba(255,255,255,.9);border-radius:4px"></div>`).join('')}
  </div>`;

const screenshot = (hue: number, title: string) =>
  `<div style="width:960px;height:600px;font-family:sans-serif;background:#f5f7fa;display:grid;grid-template-columns:200px 1fr">
    <div style="background:hsl(${hue} 45% 25%);color:white;padding:24px;font-size:20px;font-weight:600">${title}</div>
    <div style="padding:32px;display:grid;gap:24px;grid-template-rows:auto 1fr">
      <div style="display:flex;gap:16px">${['Accuracy 94%', 'Rows 1.2M', 'Updated today'].map((t) => `<div style="flex:1;background:white;border-radius:8px;padding:16px;font-size:18px;box-shadow:0 1px 3px #0002">${t}</div>`).join('')}</div>
      <div style="background:white;border-radius:8px;box-shadow:0 1px 3px #0002;display:flex;align-items:flex-end;gap:18px;padding:24px">
        ${[120, 200, 160, 260, 220, 300, 240, 340, 280, 380].map((h) => `<div style="flex:1;height:${h}px;background:hsl(${hue} 60% 50%);border-radius:4px 4px 0 0"></div>`).join('')}
      </div>
    </div>
  </div>`;

// A person's name rather than a test's unique one: it shows on the app page and in the panel.
const owner = { email: 'ada@tour.example', name: 'Ada Lovelace', password: 'tour-password-1' };
let editedTitle = '';

test.beforeAll(async ({ browser, request }) => {
  test.setTimeout(180_000);
  const admin = await asAdmin(request);
  for (const c of CATEGORIES) {
    const res = await request.post('/api/v1/tags', { headers: admin, data: { ...c, isCategory: true } });
    expect(res.status(), await res.text()).toBe(201);
  }
  const created = await request.post('/api/v1/users', { headers: admin, data: { ...owner, roles: [] } });
  expect(created.status(), await created.text()).toBe(201);
  const auth = { Authorization: `Bearer ${await tokenFor(request, owner.email, owner.password)}` };
  for (const app of APPS) {
    const files = {
      'static/icon.png': await draw(browser, icon(app.hue), { width: 128, height: 128 }),
      'static/screenshot1.png': await draw(browser, screenshot(app.hue, app.title), { width: 960, height: 600 }),
    };
    await importApp(
      request,
      auth,
      {
        name: app.name,
        version: '1.2.0',
        title: app.title,
        description: app.description,
        tags: [app.category],
        longDescription: `## What it does\n\n${app.description}\n\n## How to use it\n\n1. Open the app.\n2. Upload your data or connect a source.\n3. Read the results and export them.\n`,
        icon: false,
        files,
      },
      'ALL_USERS',
    );
  }
  // One more, still PRIVATE: what the edit panel publishes.
  editedTitle = 'Churn predictor';
  await importApp(request, auth, { name: 'churn-predictor', version: '1.3.0', title: editedTitle, icon: false, files: { 'static/icon.png': await draw(browser, icon(210), { width: 128, height: 128 }) } });
});

async function shoot(page: Page, file: string) {
  // No caret blinking or hover state in the pictures.
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(OUT, file), animations: 'disabled', caret: 'hide' });
}

test('the catalog', async ({ browser }) => {
  const page = await browser.newPage({ viewport: DESKTOP });
  await signIn(page, owner.email, owner.password);
  await page.goto('/');
  await expect(page.getByTestId('app-card')).toHaveCount(APPS.length);
  await shoot(page, 'catalog.png');
  await page.close();
});

test("an app's page", async ({ browser }) => {
  const page = await browser.newPage({ viewport: DESKTOP });
  await signIn(page, owner.email, owner.password);
  await page.goto('/apps/doc-summarizer');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Document summarizer');
  await expect(page.locator('img[src*="/screenshot"]').first()).toBeVisible();
  await shoot(page, 'app-page.png');
  await page.close();
});

test('the import form reporting every problem at once', async ({ browser }) => {
  const page = await browser.newPage({ viewport: DESKTOP });
  await signIn(page, owner.email, owner.password);
  await page.goto('/my-apps/import');
  const bundle = await makeBundle({
    name: 'broken-app',
    appToml: [
      '[App]',
      'Name = "broken-app"',
      'Version = "1.0"',
      'Title = "Broken app"',
      'LongDescription = "missing.md"',
      '',
      '[Runtime]',
      'Module = "app.main"',
      'RuntimeVersion = "python-2.7"',
      'MemoryLimit = "lots"',
      '',
    ].join('\n'),
  });
  await page.getByLabel('Bundle').setInputFiles({ name: 'broken-app.wave', mimeType: 'application/zip', buffer: bundle });
  await page.getByRole('button', { name: 'Import' }).click();
  const errors = page.getByTestId('import-errors');
  await expect(errors).toContainText('App.Version');
  await errors.evaluate((e) => e.scrollIntoView({ block: 'center' }));
  await shoot(page, 'import-errors.png');
  await page.close();
});

test('the edit panel on My Apps', async ({ browser }) => {
  const page = await browser.newPage({ viewport: DESKTOP });
  await signIn(page, owner.email, owner.password);
  await page.goto('/my-apps');
  await page.getByRole('button', { name: `Edit ${editedTitle} 1.3.0` }).click();
  const panel = page.getByRole('dialog', { name: `Edit ${editedTitle} 1.3.0` });
  await panel.getByRole('radio', { name: /All users/ }).check();
  await panel.getByRole('group', { name: 'Categories' }).getByRole('checkbox', { name: 'Data science' }).check();
  await shoot(page, 'edit-panel.png');
  await page.close();
});

test('My Apps on a phone', async ({ browser }) => {
  const page = await browser.newPage({ viewport: PHONE });
  await signIn(page, owner.email, owner.password);
  await page.goto('/my-apps');
  await expect(page.getByTestId('app-group')).toHaveCount(APPS.length);
  await shoot(page, 'my-apps-phone.png');
  await page.close();
});
