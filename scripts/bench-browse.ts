// The browser benchmark (`npm run bench:browse`): what a real browser's page views cost the portal (issue 15).
// `bench:catalog` sends one request per page; a browser also sends what the page triggers: its icons
// (`/assets/<id>/icon`, lazy), client-side navigations (RSC requests instead of documents) and, before
// 0188ba1, a prefetch per link in view. Debian's Chromium, driven by Playwright, signs in as the seeded
// catalog's full-access user and browses the 10,000-app catalog of `bench:catalog` the same way in every
// round with different choices (no URL twice): open a catalog page (document), click a category (client
// navigation), type a search and submit it (the search form is a plain GET form: a document), open an app
// card, go back, open page 2 of the results, sort by title; and, as the reference, load a static file of the
// catalog page's size from `public/` (scripts/lib/browse-traffic.ts staticReference). For each kind of step
// it prints the requests the browser sent to the server by class (read from the DevTools protocol: answers
// from the browser's cache are not counted), the server's CPU time (the primary and its render workers:
// the run time of every thread of the process tree in /proc, in nanoseconds) median over the rounds, and the
// p50/p95 of the time from the click to the new page's content visible. A step ends when its content is
// visible and no request to the server has been in flight for IDLE_MS (lazy icons and anything else the
// page triggers are counted with it). It fails (exit 1) if the browser sent any prefetch.
//
//   npm run build && npm run bench:browse            (NEXT_DIST_DIR is honoured, default .next)
//   ROUNDS=10 IDLE_MS=500 PORT=3860 BENCH_DATA_DIR=/tmp/seeded npm run bench:browse
//   VERBOSE=1 npm run bench:browse                    also lists every step's requests
// Without BENCH_DATA_DIR it seeds a catalog into a temporary folder (scripts/lib/catalog-seed.ts) and removes it
// afterwards; BENCH_DATA_DIR seeds there when it holds no database, and is written to (sessions, logs) either way.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { chromium, type CDPSession } from '@playwright/test';
import { projectRoot, startServer } from './lib/server';
import { USER, VOCABULARY, rng, seed, signIn } from './lib/catalog-seed';
import {
  REQUEST_CLASSES,
  classifyRequest,
  countByClass,
  descendants,
  median,
  parentPid,
  percentile,
  schedstatRunNs,
  statCpuTicks,
  staticReference,
  type RequestClass,
} from './lib/browse-traffic';

const ROUNDS = Number(process.env.ROUNDS ?? 10);
const IDLE_MS = Number(process.env.IDLE_MS ?? 500);
const PORT = Number(process.env.PORT ?? 3860);
const STEP_TIMEOUT_MS = 60_000;
const VERBOSE = !!process.env.VERBOSE;
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const REFERENCE_FILE = path.join(projectRoot, 'public', '__bench-browse-catalog.html');

/** `n` different items of `xs` in a random order. */
function distinct<T>(xs: T[], n: number, random: () => number): T[] {
  const pool = [...xs];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  if (n > pool.length) throw new Error(`Asked for ${n} different choices out of ${pool.length}.`);
  return pool.slice(0, n);
}

/**
 * A thread's run time in nanoseconds (kernels with CONFIG_SCHED_INFO); without it, /proc/<pid>/stat's user and
 * system time, in 10 ms ticks, which is coarse for steps of 2–150 ms.
 */
const SCHEDSTAT = fs.existsSync('/proc/self/schedstat');

/** Nanoseconds of CPU the server and every process below it (its render workers) have run, all threads. */
function serverCpuNs(pid: number): number {
  const parents = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      parents.set(Number(entry), parentPid(fs.readFileSync(`/proc/${entry}/stat`, 'utf8')));
    } catch {
      // exited meanwhile
    }
  }
  let total = 0;
  for (const p of descendants(pid, parents)) {
    try {
      if (!SCHEDSTAT) total += statCpuTicks(fs.readFileSync(`/proc/${p}/stat`, 'utf8')) * 1e7; // 10 ms ticks
      else for (const tid of fs.readdirSync(`/proc/${p}/task`)) total += schedstatRunNs(fs.readFileSync(`/proc/${p}/task/${tid}/schedstat`, 'utf8'));
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

interface SentRequest {
  url: string;
  cls: RequestClass;
  /** Answered by the browser's cache: never reached the server. */
  cached: boolean;
  done: boolean;
  lastChange: number;
}

/** Every request the page sends, from the DevTools protocol, with what the browser's cache answered. */
async function recordRequests(cdp: CDPSession, origin: string) {
  const requests = new Map<string, SentRequest>();
  const log: SentRequest[] = [];
  const finish = (id: string) => {
    const r = requests.get(id);
    if (r) Object.assign(r, { done: true, lastChange: performance.now() });
  };
  cdp.on('Network.requestWillBeSent', (e) => {
    if (e.redirectResponse) finish(e.requestId); // the previous hop reached the server and ended
    const cls = classifyRequest(e.request.url, e.request.headers as Record<string, string>, e.type ?? 'Other', origin);
    if (cls === null) return;
    const r: SentRequest = { url: e.request.url, cls, cached: false, done: false, lastChange: performance.now() };
    requests.set(e.requestId, r);
    log.push(r);
  });
  cdp.on('Network.requestServedFromCache', (e) => {
    const r = requests.get(e.requestId);
    if (r) r.cached = true;
  });
  cdp.on('Network.responseReceived', (e) => {
    const r = requests.get(e.requestId);
    if (r && (e.response.fromDiskCache || e.response.fromPrefetchCache || e.response.fromServiceWorker)) r.cached = true;
  });
  cdp.on('Network.loadingFinished', (e) => finish(e.requestId));
  cdp.on('Network.loadingFailed', (e) => finish(e.requestId));
  await cdp.send('Network.enable');
  return {
    log,
    /** Resolves once no request to the server has been in flight, or started or ended, for IDLE_MS. */
    async idle(): Promise<void> {
      const deadline = performance.now() + STEP_TIMEOUT_MS;
      for (;;) {
        const now = performance.now();
        const open = log.filter((r) => !r.done && !r.cached);
        const last = Math.max(0, ...log.map((r) => r.lastChange));
        if (open.length === 0 && now - last >= IDLE_MS) return;
        if (now > deadline) throw new Error(`Requests still in flight after ${STEP_TIMEOUT_MS} ms: ${open.map((r) => r.url).join(', ')}`);
        await new Promise((r) => setTimeout(r, 20)); // polling the condition
      }
    },
  };
}

interface StepResult {
  kind: string;
  url: string;
  visibleMs: number;
  /** From the action to the end of the step (the network idle for IDLE_MS). */
  seconds: number;
  cpuMs: number;
  /** The part of cpuMs until the content was visible; the rest went to what the page asked for after. */
  cpuToVisibleMs: number;
  requests: SentRequest[];
}

const KINDS = ['catalog page (document)', 'category facet (click)', 'search (type + submit)', 'app card (click)', 'back', 'page 2 (click)', 'sort by title (click)'] as const;
const REFERENCE = 'reference: static file of the catalog page’s size';

async function main() {
  if (ROUNDS < 1 || ROUNDS > 11) throw new Error('ROUNDS must be between 1 and 11 (12 categories: one for the warm-up round, one per round).');
  const kept = process.env.BENCH_DATA_DIR;
  const dataDir = kept ? path.resolve(kept) : fs.mkdtempSync(path.join(os.tmpdir(), 'appstore-bench-browse-'));
  fs.mkdirSync(dataDir, { recursive: true });
  const dbFile = path.join(dataDir, 'appstore.db');
  if (!fs.existsSync(dbFile)) await seed(dataDir);
  const db = new Database(dbFile, { readonly: true });
  const categories = (db.prepare('SELECT name FROM tags WHERE is_category = 1 ORDER BY name').all() as { name: string }[]).map((r) => r.name);
  const apps = (db.prepare("SELECT count(*) AS n FROM catalog_heads WHERE audience = 'shared'").get() as { n: number }).n;
  db.close();

  fs.writeFileSync(REFERENCE_FILE, 'placeholder'); // before the server starts: it serves the files public/ held then
  const started = Date.now();
  const server = await startServer({ port: PORT, dataDir, capture: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const steps: StepResult[] = [];
  try {
    const cookie = await signIn(server.url);
    const home = await fetch(`${server.url}/`, { headers: { cookie } });
    if (home.status !== 200) throw new Error(`The signed-in catalog answered ${home.status}.`);
    fs.writeFileSync(REFERENCE_FILE, staticReference(await home.text()));

    // The storage check runs a minute after start-up and blocks the server while it runs (see bench:catalog):
    // measure after it. It rewrites storage-check.json, and prints a line when it finds a problem.
    process.stdout.write('Waiting for the start-up storage check …\n');
    const report = path.join(dataDir, 'storage-check.json');
    const checkedAfterStart = () => fs.existsSync(report) && fs.statSync(report).mtimeMs > started;
    while (!checkedAfterStart() && !server.output().includes('Storage check')) {
      if (Date.now() - started > 900_000) throw new Error('The start-up storage check did not end within 15 minutes.');
      await new Promise((r) => setTimeout(r, 500));
    }
    type Health = { renderWorkers?: { wanted: number; ready: number } };
    const workersOf = async () => ((await (await fetch(`${server.url}/api/health`)).json()) as Health).renderWorkers;
    for (let w = await workersOf(); w && w.ready < w.wanted; w = await workersOf()) await new Promise((r) => setTimeout(r, 200));
    const renderWorkers = (await workersOf())?.wanted ?? 0;
    // Every process builds its search index at its first search (README: the rebuild): not a page view's cost.
    process.stdout.write('Warming up the search index in every process …\n');
    for (let warm = 0; warm < 2; warm++) {
      await Promise.all(Array.from({ length: renderWorkers + 1 }, (_, i) => fetch(`${server.url}/?q=warm${warm}x${i}`, { headers: { cookie } }).then((r) => r.text())));
    }

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    const recorder = await recordRequests(cdp, server.url);
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Email').fill(USER.email);
    await page.getByLabel('Password').fill(USER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-as').waitFor();
    await recorder.idle();
    // What the server burns with nothing to answer (timers, the render workers' heartbeats): each step's
    // figure includes this rate over its length (the wait for the network to be idle included).
    const idleCpu0 = serverCpuNs(server.pid);
    const idleT0 = performance.now();
    await new Promise((r) => setTimeout(r, 3000)); // a measuring window, not a wait for a condition
    const idleCpuPerSecond = (serverCpuNs(server.pid) - idleCpu0) / 1e6 / ((performance.now() - idleT0) / 1000);

    const random = rng(2026);
    const rounds = ROUNDS + 1; // the first one warms up the browser's cache and the server's code paths: not counted
    const facets = distinct(categories, rounds, random);
    const words = distinct(VOCABULARY, rounds, random);
    const visited = new Set<string>();
    const openedApps = new Set<string>();

    /** Runs one step: from the action to the content visible (`visible` waits for it), then until the network is idle. */
    const step = async (round: number, kind: string, url: string, action: () => Promise<unknown>, visible: () => Promise<unknown>) => {
      if (kind !== 'back') {
        if (visited.has(url)) throw new Error(`${url} was visited before: every step must ask for a new page.`);
        visited.add(url);
      }
      await recorder.idle();
      const first = recorder.log.length;
      const cpu0 = serverCpuNs(server.pid);
      const t0 = performance.now();
      try {
        await action();
        await visible();
      } catch (error) {
        const shot = path.join(os.tmpdir(), 'bench-browse-failure.png');
        await page.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
        throw new Error(`Step "${kind}" to ${url} did not show its page (the browser is at ${page.url()}; screenshot: ${shot}): ${(error as Error).message}`);
      }
      const visibleMs = performance.now() - t0;
      const cpuVisible = serverCpuNs(server.pid);
      await recorder.idle();
      const cpuEnd = serverCpuNs(server.pid);
      const seconds = (performance.now() - t0) / 1000;
      const requests = recorder.log.slice(first).filter((r) => !r.cached);
      if (VERBOSE) console.log(`  ${kind} ${url}: ${requests.map((r) => `${r.cls} ${r.url.replace(server.url, '')}`).join('; ')}`);
      if (round > 0) steps.push({ kind, url, visibleMs, seconds, cpuMs: (cpuEnd - cpu0) / 1e6, cpuToVisibleMs: (cpuVisible - cpu0) / 1e6, requests });
    };
    /**
     * Waits until the page shows what `want` describes, checked every animation frame: the URL (or only its
     * path), the catalog's results heading visible, and an element (starting with a text).
     */
    type Want = { url: string; pathOnly?: boolean; catalog?: boolean; selector?: string; text?: string };
    const until = (want: Want) =>
      page.waitForFunction(
        (w: Want) => {
          if ((w.pathOnly ? location.pathname : location.pathname + location.search) !== w.url) return false;
          const total = document.querySelector<HTMLElement>('[data-testid="catalog-total"]');
          if (w.catalog && (!total || total.offsetParent === null)) return false;
          const el = w.selector ? document.querySelector(w.selector) : null;
          if (w.selector && (!el || !(el.textContent ?? '').trim().startsWith(w.text ?? ''))) return false;
          return true;
        },
        want,
        { polling: 'raf', timeout: STEP_TIMEOUT_MS },
      );
    const catalogAt = (url: string, selector?: string, text?: string) => until({ url, catalog: true, selector, text });
    const goto = (url: string) => () => page.goto(server.url + url, { waitUntil: 'commit' });

    for (let round = 0; round < rounds; round++) {
      process.stdout.write(`Round ${round === 0 ? 'warm-up' : round} of ${ROUNDS} …\n`);
      // 1. A catalog page, opened as a document (a link from elsewhere, a bookmark): page 1, 2, … one per round.
      const landing = round === 0 ? '/' : `/?page=${round + 1}`;
      await step(round, KINDS[0], landing, goto(landing), () => catalogAt(landing, '[data-testid="app-card"]'));
      // 2. A category from the facets: a client navigation.
      const category = `/?category=${facets[round]}`;
      const facet = page.locator(`nav[aria-label="Categories"] a[href="${category}"]`);
      const facetTitle = (await facet.locator('.facet-name').innerText()).trim();
      await step(round, KINDS[1], category, () => facet.click(), () =>
        catalogAt(category, 'nav[aria-label="Categories"] a[aria-current="true"] .facet-name', facetTitle),
      );
      // 3. A search typed into the form (its category kept) and submitted: the form is a plain GET form.
      const search = `/?${new URLSearchParams({ q: words[round], category: facets[round] })}`;
      await page.locator('#catalog-search').fill(words[round]);
      await step(round, KINDS[2], search, () => page.locator('#catalog-search').press('Enter'), () => catalogAt(search));
      // 4. One of the result cards, a different app each round.
      const cards = page.locator('[data-testid="app-card"]');
      const count = await cards.count();
      let card = Math.floor(random() * count);
      while (openedApps.has((await cards.nth(card).getAttribute('data-app-name'))!)) card = (card + 1) % count;
      const name = (await cards.nth(card).getAttribute('data-app-name'))!;
      openedApps.add(name);
      const link = cards.nth(card).locator('.card-link');
      const title = (await link.innerText()).trim();
      const appPath = `/apps/${name}`;
      await step(round, KINDS[3], appPath, () => link.click(), () =>
        until({ url: appPath, pathOnly: true, selector: 'main h1', text: title }),
      );
      // 5. Back to the results, as the browser's Back button does.
      await step(round, KINDS[4], search, () => page.evaluate(() => history.back()), () => catalogAt(search, `[data-app-name="${name}"]`));
      // 6. The results' page 2.
      const next = page.locator('nav[aria-label="Pagination"] a[rel="next"]');
      if ((await next.count()) === 0) throw new Error(`The results of ${search} fit on one page: the benchmark needs a larger catalog (APPS, README).`);
      const page2 = (await next.getAttribute('href'))!;
      if (new URLSearchParams(page2.slice(2)).get('page') !== '2') throw new Error(`The next page's link is ${page2}.`);
      await step(round, KINDS[5], page2, () => next.click(), () =>
        catalogAt(page2, 'nav[aria-label="Pagination"] [aria-current="page"]', 'Page 2 '),
      );
      // 7. Sorted by title.
      const byTitle = page.locator('nav[aria-label="Sort"] a', { hasText: 'Title A–Z' });
      const sorted = (await byTitle.getAttribute('href'))!;
      await step(round, KINDS[6], sorted, () => byTitle.click(), () =>
        catalogAt(sorted, `nav[aria-label="Sort"] a[aria-current="true"][href="${sorted}"]`),
      );
      // The reference: the same browser loading a static file of the catalog page's size.
      const reference = `/${path.basename(REFERENCE_FILE)}?round=${round}`;
      await step(round, REFERENCE, reference, goto(reference), () => catalogAt(reference));
    }
    const prefetches = recorder.log.filter((r) => r.cls === 'rsc-prefetch');
    await context.close();

    console.log(
      `\nBrowser benchmark: ${apps} apps; Chromium ${browser.version()}, 1280×900; ${ROUNDS} rounds after a warm-up round, each step a new URL; ` +
        `signed in as a full-access user; ${renderWorkers} render worker(s); a step ends ${IDLE_MS} ms after its last request; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}.`,
    );
    const rows = [...KINDS, REFERENCE].map((kind) => {
      const of = steps.filter((s) => s.kind === kind);
      const perStep = (cls: RequestClass) => +(of.reduce((n, s) => n + s.requests.filter((r) => r.cls === cls).length, 0) / of.length).toFixed(1);
      return {
        step: kind,
        ...Object.fromEntries(REQUEST_CLASSES.map((cls) => [cls, perStep(cls)])),
        'server CPU ms (median)': +median(of.map((s) => s.cpuMs)).toFixed(1),
        'of it until visible': +median(of.map((s) => s.cpuToVisibleMs)).toFixed(1),
        'to visible p50 ms': Math.round(percentile(of.map((s) => s.visibleMs), 0.5)),
        'p95 ms': Math.round(percentile(of.map((s) => s.visibleMs), 0.95)),
      };
    });
    console.log('Requests sent to the server per step (mean over the rounds; the browser cache’s answers not counted), the server’s CPU time per step, click to content visible:');
    console.table(rows);
    const sessionSteps = steps.filter((s) => s.kind !== REFERENCE);
    const perRound = Array.from({ length: ROUNDS }, (_, i) => sessionSteps.slice(i * KINDS.length, (i + 1) * KINDS.length));
    const roundCpu = median(perRound.map((r) => r.reduce((n, s) => n + s.cpuMs, 0)));
    const roundRequests = countByClass(sessionSteps.flatMap((s) => s.requests.map((r) => r.cls)));
    console.log(
      `A whole round (${KINDS.length} steps): server CPU ${roundCpu.toFixed(0)} ms (median), requests ${Object.entries(roundRequests)
        .map(([cls, n]) => `${cls} ${(n / ROUNDS).toFixed(1)}`)
        .join(', ')}; the reference ${median(steps.filter((s) => s.kind === REFERENCE).map((s) => s.cpuMs)).toFixed(1)} ms per load.`,
    );
    const stepSeconds = median(steps.map((s) => s.seconds));
    if (!SCHEDSTAT) console.log('(No /proc/<pid>/schedstat on this kernel: CPU times are from /proc/<pid>/stat, in 10 ms ticks.)');
    console.log(
      `An idle server used ${idleCpuPerSecond.toFixed(1)} ms of CPU per second; a step lasted ${stepSeconds.toFixed(2)} s (median, its wait for the network to be idle included).`,
    );
    if (prefetches.length > 0) {
      console.error(`\nFAIL: the browser sent ${prefetches.length} prefetch request(s) (links must not prefetch, commit 0188ba1):`);
      for (const r of prefetches.slice(0, 20)) console.error(`  ${r.url}`);
      process.exitCode = 1;
    } else {
      console.log('No prefetch request was sent.');
    }
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(REFERENCE_FILE, { force: true });
    if (!kept) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
