// A 300 MB chunked body (no Content-Length) to every JSON endpoint (each app/api route whose apiHandler
// declares a `body` schema, found in the route files) and to the Auth.js sign-in callback: the server
// answers 413 having read only the start of the body (the bug read all of it first), and its memory grows
// by less than 64 MB, because bodies are read as streams and cut at their cap before any parsing.
// Runs against its own production server to read its RSS and how many bytes it read (/proc/<pid>/io),
// which, like the bytes the client got to send before the 413 arrived, does not depend on the machine's
// load. The time to the 413 (about 0.5 s on an idle machine) is only recorded as an annotation: on a busy
// machine (two suites at once) it measures the load, not the server.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { apiRouteMethods } from '../lib/testing/api-routes';
import { adminToken, projectRoot, readBytes, rssBytes, startServer, type RunningServer } from '../scripts/lib/server';

test.describe.configure({ mode: 'serial' });

const PORT = Number(process.env.E2E_PORT || 3107) + 12;
const BODY_BYTES = 300 * 1024 * 1024;
const MiB = 1024 * 1024;
/**
 * Far below the 300 MB sent and far above any cap (64 KiB; secrets 8 MiB; server actions 1 MB) plus what the
 * sockets buffer: a server that reads the body before cutting it reads all 300 MB.
 */
const MAX_BYTES_READ = 32 * MiB;

let server: RunningServer;
let dataDir: string;
let token: string;

interface Outcome {
  status: number;
  ms: number;
  sentBytes: number;
  /** What the server process read (sockets and files) from the request's start until it was answered. */
  serverReadBytes: number;
  peakRssGrowth: number;
}

/** Streams up to 300 MB with chunked encoding until the server answers; samples the server's RSS meanwhile. */
function floodChunked(urlPath: string, method: string, headers: Record<string, string>): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const baseline = rssBytes(server.pid);
    const readBefore = readBytes(server.pid);
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(server.pid))), 20);
    const started = Date.now();
    const chunk = Buffer.alloc(MiB, 'a'.charCodeAt(0));
    let sent = 0;
    let answered = false;
    const req = http.request(`${server.url}${urlPath}`, { method, headers: { ...headers, 'Transfer-Encoding': 'chunked' } });
    const finish = (status: number) => {
      if (answered) return;
      answered = true;
      const ms = Date.now() - started;
      const sentBytes = sent;
      const serverReadBytes = readBytes(server.pid) - readBefore;
      // Keep sampling a little: memory taken while the response was being written counts too.
      setTimeout(() => {
        clearInterval(sampler);
        peak = Math.max(peak, rssBytes(server.pid));
        req.destroy();
        resolve({ status, ms, sentBytes, serverReadBytes, peakRssGrowth: peak - baseline });
      }, 300);
    };
    req.on('response', (res) => {
      res.resume();
      finish(res.statusCode ?? 0);
    });
    req.on('error', (error) => {
      if (!answered) {
        clearInterval(sampler);
        reject(error);
      }
    });
    const pump = () => {
      while (!answered && sent < BODY_BYTES) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

/** The server read only the start of the body before its 413, which reached the client early in the body. */
function expectCutEarly(outcome: Outcome) {
  test.info().annotations.push({ type: 'ms to 413', description: String(outcome.ms) });
  test.info().annotations.push({ type: 'bytes sent / read by the server', description: `${outcome.sentBytes} / ${outcome.serverReadBytes}` });
  expect(outcome.serverReadBytes, JSON.stringify(outcome)).toBeLessThan(MAX_BYTES_READ);
  expect(outcome.sentBytes, JSON.stringify(outcome)).toBeLessThan(MAX_BYTES_READ);
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'appstore-bodies-'));
  server = await startServer({ port: PORT, dataDir });
  token = await adminToken(server.url);
  // A secret to PATCH; also loads the code of the routes before memory is measured.
  const res = await fetch(`${server.url}/api/v1/secrets`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'flood', values: { k: 'v' } }),
  });
  expect(res.status).toBe(201);
});

test.afterAll(async () => {
  await server?.kill();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Every route whose apiHandler parses a JSON body; callers sign in unless the route takes anyone. */
const jsonEndpoints = apiRouteMethods()
  .filter((m) => m.jsonBody)
  .map((m) => ({ method: m.method, path: m.urlPath, signedIn: m.access !== 'anyone' }));

test('the JSON endpoints are found in the route files', () => {
  const found = jsonEndpoints.map((e) => `${e.method} ${e.path}`);
  for (const route of ['POST /api/v1/auth/token', 'POST /api/v1/instances', 'PATCH /api/v1/instances/sample-id', 'POST /api/v1/aliases', 'PATCH /api/v1/aliases/sample-name', 'POST /api/v1/admin/fsck']) {
    expect(found).toContain(route);
  }
  expect(jsonEndpoints.find((e) => e.path === '/api/v1/auth/token')?.signedIn).toBe(false);
});

async function warmUp(method: string, urlPath: string, headers: Record<string, string>, body: string) {
  // The first call loads the route's code; that memory is not the body's.
  await fetch(`${server.url}${urlPath}`, { method, headers, body }).then((r) => r.arrayBuffer());
}

for (const endpoint of jsonEndpoints) {
  test(`${endpoint.method} ${endpoint.path}: a 300 MB chunked JSON body is cut at its cap with 413`, async () => {
    test.setTimeout(60_000);
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (endpoint.signedIn) headers.Authorization = `Bearer ${token}`;
    await warmUp(endpoint.method, endpoint.path, headers, '{}');
    const outcome = await floodChunked(endpoint.path, endpoint.method, headers);
    expect(outcome.status, JSON.stringify(outcome)).toBe(413);
    expectCutEarly(outcome);
    expect(outcome.peakRssGrowth, JSON.stringify(outcome)).toBeLessThan(64 * MiB);
  });
}

test('POST /api/auth/callback/credentials: a 300 MB chunked form body is cut at its cap with 413', async () => {
  test.setTimeout(60_000);
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
  await warmUp('POST', '/api/auth/callback/credentials', headers, 'email=a%40b.c&password=x');
  const outcome = await floodChunked('/api/auth/callback/credentials', 'POST', headers);
  expect(outcome.status, JSON.stringify(outcome)).toBe(413);
  expectCutEarly(outcome);
  expect(outcome.peakRssGrowth, JSON.stringify(outcome)).toBeLessThan(64 * MiB);
});

/** The id Next gave a server action at build time (from the build's server-reference manifest). */
function actionId(filename: string, exportedName: string): string {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(projectRoot, process.env.NEXT_DIST_DIR || '.next', 'server', 'server-reference-manifest.json'), 'utf8'),
  ) as { node: Record<string, { filename: string; exportedName: string }> };
  const id = Object.entries(manifest.node).find(([, a]) => a.filename === filename && a.exportedName === exportedName)?.[0];
  if (!id) throw new Error(`No server action ${exportedName} in ${filename} in the build.`);
  return id;
}

test("a server action (the sign-in form's): a 300 MB chunked body stops at Next's 1 MB limit", async () => {
  test.setTimeout(60_000);
  const headers = {
    'Content-Type': 'text/plain;charset=UTF-8',
    'Next-Action': actionId('app/(auth)/login/actions.ts', 'loginAction'),
    Origin: server.url,
  };
  await warmUp('POST', '/login', headers, '[null,"$K1"]');
  const outcome = await floodChunked('/login', 'POST', headers);
  expect(outcome.status, JSON.stringify(outcome)).toBe(413);
  expectCutEarly(outcome);
  expect(outcome.peakRssGrowth, JSON.stringify(outcome)).toBeLessThan(64 * MiB);
});

test('small bodies still work after the cap: a JSON sign-in and a form sign-in are answered normally', async () => {
  const res = await fetch(`${server.url}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'nobody@example.test', password: 'wrong' }),
  });
  expect(res.status).toBe(401);
  // Auth.js answers a form post without its CSRF token with a redirect to an error page, not a 413.
  const form = await fetch(`${server.url}/api/auth/callback/credentials`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'email=nobody%40example.test&password=wrong',
    redirect: 'manual',
  });
  expect(form.status).toBe(302);
});
