// Render workers (RENDER_WORKERS, server.ts → lib/render/): the catalog and the app pages are rendered by a
// worker process, with the same answers as the primary gives (who sees what, in public mode and signed in,
// with the security headers), a killed worker is replaced while the pages keep answering, the sign-in
// throttle still counts per client address, and a worker never runs the start-up jobs. Runs on a server of its
// own, started as `npm start` runs it (compiled), with one worker.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, request as playwrightRequest, test, type APIRequestContext, type Page } from '@playwright/test';
import { adminToken, childPids, startServer, type RunningServer } from '../scripts/lib/server';
import { importApp } from './bundles';
import { signIn, tokenRequest, unique, type TestUser } from './helpers';

test.describe.configure({ mode: 'serial' });

const PORT = Number(process.env.E2E_PORT || 3107) + 34;
const FULL_ACCESS = 'full-access';
let server: RunningServer;
let dataDir: string;
let api: APIRequestContext;
let admin: Record<string, string>;
const apps = { pub: { name: '', title: '' }, shared: { name: '', title: '' }, gpu: { name: '', title: '' } };
let visitor: TestUser;
let member: TestUser;

/** The primary's render workers (its children started with --render-worker). */
function workerPids(): number[] {
  return childPids(server.pid).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('--render-worker');
    } catch {
      return false; // gone meanwhile
    }
  });
}

/** Bytes a process has written (sockets included): what a worker sent the primary. */
function written(pid: number): number {
  return Number(/wchar:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);
}

async function health(): Promise<{ renderWorkers?: { wanted: number; ready: number } }> {
  return (await fetch(`${server.url}/api/health`)).json();
}

/** Runs `visit` and answers how many bytes the worker wrote meanwhile. */
async function writtenByWorker(visit: () => Promise<unknown>): Promise<number> {
  const [pid] = workerPids();
  const before = written(pid);
  await visit();
  return written(pid) - before;
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'appstore-e2e-render-workers-'));
  server = await startServer({
    port: PORT,
    dataDir,
    compiled: true,
    capture: true,
    env: { PUBLIC_URL: `http://127.0.0.1:${PORT}`, RENDER_WORKERS: '1', FULL_ACCESS_ROLE: FULL_ACCESS, PUBLIC_MODE: 'true' },
  });
  await expect.poll(async () => (await health()).renderWorkers, { timeout: 60_000 }).toEqual({ wanted: 1, ready: 1 });
  api = await playwrightRequest.newContext({ baseURL: server.url });
  admin = { Authorization: `Bearer ${await adminToken(server.url)}` };
  const w = unique('rw').replace(/-/g, '');
  apps.pub = { name: unique('ai.e2e.rw-pub'), title: `Public ${w}` };
  apps.shared = { name: unique('ai.e2e.rw-shared'), title: `Shared ${w}` };
  await importApp(api, admin, { name: apps.pub.name, title: apps.pub.title, description: w }, 'PUBLIC');
  await importApp(api, admin, { name: apps.shared.name, title: apps.shared.title, description: w }, 'ALL_USERS');
  // An app this host cannot run: the GPUs are the primary's runner's answer, packages.txt the worker's own check.
  apps.gpu = { name: unique('ai.e2e.rw-gpu'), title: `GPU ${unique('g').replace(/-/g, '')}` }; // not found by the others' word
  const gpuToml = `[App]\nName = "${apps.gpu.name}"\nVersion = "0.0.1"\nTitle = "${apps.gpu.title}"\n\n[Runtime]\nModule = "app.main"\nGPUCount = 2\n`;
  await importApp(api, admin, { name: apps.gpu.name, appToml: gpuToml, files: { 'packages.txt': 'no-such-package-e2e\n' } }, 'PUBLIC');
  // createUser asks the API as the e2e admin of the shared servers: make users through this server's admin.
  const make = async (roles: string[], prefix: string): Promise<TestUser> => {
    const name = unique(prefix);
    const user = { email: `${name}@e2e.test`, password: `pw-${name}`, name };
    const res = await api.post('/api/v1/users', { headers: admin, data: { ...user, roles, isAdmin: false } });
    expect(res.status(), await res.text()).toBe(201);
    return { ...user, id: (await res.json()).id };
  };
  visitor = await make([], 'rw-visitor');
  member = await make([FULL_ACCESS], 'rw-member');
});

test.afterAll(async () => {
  await api?.dispose();
  await server?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test.use({ baseURL: `http://127.0.0.1:${PORT}` });

async function catalogNames(page: Page, query: string): Promise<string[]> {
  await page.goto(`/?q=${encodeURIComponent(query)}`);
  await expect(page.getByTestId('catalog-total')).toBeVisible();
  return page.getByTestId('app-card').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-app-name') ?? ''));
}

test("the worker starts after the primary's start-up (migrations, the first administrator), not before", async () => {
  const output = server.output();
  const admin = output.indexOf('Created administrator');
  expect(admin).toBeGreaterThanOrEqual(0);
  expect(output.indexOf('Starting 1 render worker.')).toBeGreaterThan(admin);
  // It took pages only once its search was warmed up (server.ts): the line is written before it says it is ready.
  expect(output).toContain(`Render worker ${workerPids()[0]} ready: its search warmed up (`);
});

/** The app page's "Not runnable here" line, as text. */
async function notRunnable(): Promise<string> {
  const html = await (await fetch(`${server.url}/apps/${apps.gpu.name}`, { headers: { 'accept-encoding': 'identity' } })).text();
  return (/data-testid="not-runnable">([\s\S]*?)<\/p>/.exec(html)?.[1] ?? '').replace(/<!--.*?-->/g, '');
}

test('a worker renders the catalog and app pages: anonymous in public mode, a visitor, a full-access user', async ({ browser }) => {
  const word = apps.pub.title.split(' ')[1];
  // Anonymous, public mode: the PUBLIC app only; the other one's page asks to sign in.
  const anonymous = await browser.newPage();
  const bytes = await writtenByWorker(async () => {
    expect(await catalogNames(anonymous, word)).toEqual([apps.pub.name]);
    await anonymous.goto(`/apps/${apps.pub.name}`);
    await expect(anonymous.getByRole('heading', { level: 1, name: apps.pub.title })).toBeVisible();
  });
  // The worker sent the two pages (compressed, a few KB each), not the primary: an idle worker writes nothing.
  expect(bytes).toBeGreaterThan(4_000);
  await anonymous.goto(`/apps/${apps.shared.name}`);
  await expect(anonymous).toHaveURL(/\/login\?next=/);
  await anonymous.close();

  // A signed-in visitor does not see the ALL_USERS app: not in the catalog, and its page is a 404.
  const visitorPage = await browser.newPage();
  await signIn(visitorPage, visitor.email, visitor.password);
  expect(await catalogNames(visitorPage, word)).toEqual([apps.pub.name]);
  const hidden = await visitorPage.goto(`/apps/${apps.shared.name}`);
  expect(hidden?.status()).toBe(404);
  await expect(visitorPage.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
  await visitorPage.close();

  // A full-access user sees both, and reaches an app page by client navigation (the page's RSC fetch).
  const memberPage = await browser.newPage();
  await signIn(memberPage, member.email, member.password);
  const rscBytes = await writtenByWorker(async () => {
    expect((await catalogNames(memberPage, word)).sort()).toEqual([apps.pub.name, apps.shared.name].sort());
    await memberPage.getByTestId('app-card').filter({ hasText: apps.shared.title }).getByRole('link').first().click();
    await expect(memberPage.getByRole('heading', { level: 1, name: apps.shared.title })).toBeVisible();
  });
  expect(rscBytes).toBeGreaterThan(4_000);
  await expect(memberPage.getByTestId('signed-in-as')).toBeVisible();
  await memberPage.close();
});

test("a worker's page carries the front's security headers, with the nonce its scripts use", async () => {
  let res!: Response;
  let html = '';
  // A page the worker rendered (the primary renders a page itself while the worker has one in progress, e.g. a
  // prefetch the previous test's browser left: asked again until the worker answered).
  await expect(async () => {
    const bytes = await writtenByWorker(async () => {
      res = await fetch(`${server.url}/apps/${apps.pub.name}`, { headers: { 'accept-encoding': 'identity' } });
      html = await res.text();
    });
    expect(bytes).toBeGreaterThanOrEqual(html.length); // the body came from the worker
  }).toPass({ timeout: 20_000 });
  expect(res.status).toBe(200);
  const csp = res.headers.get('content-security-policy') ?? '';
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  expect(nonce).toBeTruthy();
  const scriptNonces = [...html.matchAll(/<script[^>]* nonce="([^"]+)"/g)].map((m) => m[1]);
  expect(scriptNonces.length).toBeGreaterThan(0);
  expect(new Set(scriptNonces)).toEqual(new Set([nonce]));
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
});

test('a killed worker is replaced, and the pages keep answering meanwhile; the worker never runs the start-up jobs', async () => {
  test.setTimeout(120_000);
  // An upload in flight: the start-up removes every staged file (nothing is in flight when a server starts).
  const inFlight = path.join(dataDir, 'staging', 'in-flight-upload.bin');
  fs.mkdirSync(path.dirname(inFlight), { recursive: true });
  fs.writeFileSync(inFlight, 'half an upload');

  const [before] = workerPids();
  let fromWorker = '';
  await expect(async () => expect(await writtenByWorker(async () => (fromWorker = await notRunnable()))).toBeGreaterThan(10_000)).toPass({ timeout: 20_000 });
  expect(fromWorker).toContain('The app asks for 2 GPUs (Runtime.GPUCount)');
  expect(fromWorker).toContain('no-such-package-e2e');
  process.kill(before, 'SIGKILL');
  // Meanwhile the primary answers, with the same pages.
  for (let i = 0; i < 3; i++) {
    const res = await fetch(`${server.url}/apps/${apps.pub.name}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(apps.pub.title);
  }
  // The primary says the same as the worker did of a version this host cannot run.
  expect(await notRunnable()).toBe(fromWorker);
  expect((await health()).renderWorkers?.ready).toBe(0); // so the primary answered the requests above
  await expect.poll(async () => workerPids().some((pid) => pid !== before) && (await health()).renderWorkers?.ready === 1, { timeout: 60_000 }).toBe(true);
  const [after] = workerPids();
  expect(after).not.toBe(before);
  // The new worker warmed its search before it took pages, the shared cards imported above included.
  const warmed = new RegExp(`Render worker ${after} ready: its search warmed up \\((\\d+) cards\\)`).exec(server.output());
  expect(Number(warmed?.[1])).toBeGreaterThanOrEqual(3);
  await expect(async () => {
    const bytes = await writtenByWorker(async () => {
      const res = await fetch(`${server.url}/?q=${encodeURIComponent(apps.pub.title.split(' ')[1])}`, { headers: { 'accept-encoding': 'identity' } });
      expect(await res.text()).toContain(apps.pub.name);
    });
    expect(bytes).toBeGreaterThan(10_000);
  }).toPass({ timeout: 20_000 });

  // The new worker ran no start-up job: the upload in flight is still there.
  expect(fs.readFileSync(inFlight, 'utf8')).toBe('half an upload');
});

/** POST /api/v1/auth/token from a given local address; answers the status. */

test('the sign-in throttle still counts per client address', async ({ page }) => {
  const statuses: number[] = [];
  for (let i = 0; i < 7; i++) statuses.push(await tokenRequest(server.url, '127.0.0.2', { email: member.email, password: `guess-${i}` }));
  expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
  expect(await tokenRequest(server.url, '127.0.0.1', { email: member.email, password: member.password })).toBe(201);
  await signIn(page, member.email, member.password);
  await page.goto(`/apps/${apps.shared.name}`);
  await expect(page.getByRole('heading', { level: 1, name: apps.shared.title })).toBeVisible();
});
