// Staged uploads cannot fill the disk: an aborted upload is removed at once (file and handle), staged
// uploads never imported expire after STAGED_UPLOAD_TTL, bytes that are not a zip are refused at once, and
// a truncated multipart body is a clear 400. Runs its own production server to look at its files and handles.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { adminToken, startServer, type RunningServer } from '../scripts/lib/server';
import { makeBundle } from './bundles';

test.describe.configure({ mode: 'serial' });

const PORT = Number(process.env.E2E_PORT || 3107) + 14;
let server: RunningServer;
let dataDir: string;
let token: string;
const MiB = 1024 * 1024;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'appstore-staged-'));
  server = await startServer({ port: PORT, dataDir, env: { STAGED_UPLOAD_TTL: '6', STAGED_UPLOAD_QUOTA: String(12 * MiB) }, capture: true });
  token = await adminToken(server.url);
});

test.afterAll(async () => {
  await server?.kill();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

function stagedFiles(): string[] {
  const dir = path.join(dataDir, 'staging');
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile());
}

/** Files under DATA_DIR/staging the server process holds open. */
function openStagingHandles(): string[] {
  const fdDir = `/proc/${server.pid}/fd`;
  return fs
    .readdirSync(fdDir)
    .map((fd) => {
      try {
        return fs.readlinkSync(path.join(fdDir, fd));
      } catch {
        return '';
      }
    })
    .filter((target) => target.startsWith(path.join(dataDir, 'staging')));
}

/**
 * POSTs a bundle to /api/v1/uploads, reading the answer while still sending (as curl does): a refusal comes
 * before the whole body is sent, and the server then stops reading.
 */
function upload(bundle: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.url}/api/v1/uploads`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream', 'Content-Length': bundle.length },
    });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    req.end(bundle);
  });
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return condition();
}

for (const route of ['/api/v1/uploads', '/api/v1/apps']) {
  for (const form of ['raw', 'multipart'] as const) {
    test(`${route}: a ${form} upload aborted half-way leaves no file and no open handle`, async () => {
      const boundary = 'xABORTx';
      const prefix =
        form === 'multipart'
          ? Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wave"\r\nContent-Type: application/octet-stream\r\n\r\n`)
          : Buffer.alloc(0);
      const head = Buffer.concat([prefix, Buffer.from('PK\x03\x04'), Buffer.alloc(4 * 1024 * 1024)]);
      const req = http.request(`${server.url}${route}`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': form === 'multipart' ? `multipart/form-data; boundary=${boundary}` : 'application/octet-stream',
          'Content-Length': 64 * 1024 * 1024,
        },
      });
      req.on('error', () => {});
      req.write(head);
      // The server has started staging this upload...
      expect(await until(() => stagedFiles().length > 0, 10_000)).toBe(true);
      // ...and the client goes away.
      req.destroy();
      const clean = await until(() => stagedFiles().length === 0 && openStagingHandles().length === 0, 5_000);
      expect(clean, JSON.stringify({ files: stagedFiles(), handles: openStagingHandles() })).toBe(true);
    });
  }
}

test('bytes that are not a zip are refused at once with 400, and nothing stays staged', async () => {
  const res = await fetch(`${server.url}/api/v1/uploads`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
    body: 'this is not a zip archive at all',
  });
  expect(res.status).toBe(400);
  expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/not a \.wave bundle|zip/i);
  expect(stagedFiles()).toEqual([]);
});

for (const [route, fileBytes] of [
  ['/api/v1/uploads', 100_000],
  ['/api/v1/uploads', 10],
  ['/api/v1/apps', 100_000],
  ['/api/v1/apps', 10],
] as const) {
  test(`${route}: a multipart body cut off ${fileBytes} bytes into the file answers 400, with no uncaught exception`, async () => {
    const boundary = 'xBOUNDARYx';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wave"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      Buffer.from('PK\x03\x04'),
      Buffer.alloc(fileBytes, 1),
      // No closing boundary: the form ends in the middle of the file.
    ]);
    const printedBefore = server.output().length;
    const res = await fetch(`${server.url}${route}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
    expect(res.status).toBe(400);
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    expect(await until(() => stagedFiles().length === 0, 5_000)).toBe(true);
    expect(server.output().slice(printedBefore)).not.toMatch(/uncaught|unhandled/i);
  });
}

test('a staged upload never imported expires after STAGED_UPLOAD_TTL while the server runs', async () => {
  const bundle = await makeBundle({ name: 'ai.e2e.staged-ttl', version: '1.0.0' });
  const res = await fetch(`${server.url}/api/v1/uploads`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
    body: new Uint8Array(bundle),
  });
  expect(res.status).toBe(201);
  expect(stagedFiles().length).toBeGreaterThan(0);
  // TTL 6 s here; the sweep runs while the server is up, not only at the next start.
  expect(await until(() => stagedFiles().length === 0, 20_000), JSON.stringify(stagedFiles())).toBe(true);
});

test('staged uploads one after another fill STAGED_UPLOAD_QUOTA, and the next one is refused with 429', async () => {
  test.setTimeout(60_000);
  // Start from nothing staged (the uploads above expire after the 6 s TTL).
  expect(await until(() => stagedFiles().length === 0, 20_000), JSON.stringify(stagedFiles())).toBe(true);
  // ~5 MiB each against a 12 MiB quota: two fit, the third would pass it. Made before the clock starts.
  const bundles = await Promise.all(
    [1, 2, 3].map((i) => makeBundle({ name: `ai.e2e.quota-seq${i}`, version: '1.0.0', files: { 'data.bin': randomBytes(5 * MiB) } })),
  );
  const started = Date.now();
  const first = await upload(bundles[0]);
  const second = await upload(bundles[1]);
  const third = await upload(bundles[2]);
  // The first staged upload was still within its 6 s TTL when the third arrived (else the quota had room again).
  expect(Date.now() - started, 'the three uploads took longer than the TTL').toBeLessThan(6000);
  expect([first.status, second.status], JSON.stringify([first, second])).toEqual([201, 201]);
  expect(third.status, third.body).toBe(429);
  expect(third.body).toContain('STAGED_UPLOAD_QUOTA');
  // The two accepted stay staged; nothing of the refused one does.
  const staged = stagedFiles();
  const stagedBytes = staged.reduce((sum, f) => sum + fs.statSync(path.join(dataDir, 'staging', f)).size, 0);
  expect(stagedBytes, JSON.stringify(staged)).toBeGreaterThanOrEqual(bundles[0].length + bundles[1].length);
  expect(stagedBytes, JSON.stringify(staged)).toBeLessThanOrEqual(12 * MiB);
  // Leave nothing staged for the next test.
  expect(await until(() => stagedFiles().length === 0, 20_000)).toBe(true);
});

test('staged bytes per user are capped by STAGED_UPLOAD_QUOTA with 429, parallel uploads included', async () => {
  test.setTimeout(60_000);
  // Five uploads of ~5 MiB at once against a 12 MiB quota: at most two fit (which ones, and whether the
  // interleaved streams leave room for any, depends on timing); the others are refused while streaming.
  const bundles = await Promise.all(
    [1, 2, 3, 4, 5].map((i) => makeBundle({ name: `ai.e2e.quota${i}`, version: '1.0.0', files: { 'data.bin': randomBytes(5 * MiB) } })),
  );
  const statuses = await Promise.all(bundles.map((bundle) => upload(bundle)));
  const accepted = statuses.filter((s) => s.status === 201).length;
  expect(accepted, JSON.stringify(statuses)).toBeLessThanOrEqual(2);
  for (const refused of statuses.filter((s) => s.status !== 201)) {
    expect(refused.status).toBe(429);
    expect(refused.body).toContain('STAGED_UPLOAD_QUOTA');
  }
  const stagedBytes = stagedFiles()
    .filter((f) => f.endsWith('.part'))
    .reduce((sum, f) => sum + fs.statSync(path.join(dataDir, 'staging', f)).size, 0);
  expect(stagedBytes).toBeLessThanOrEqual(12 * MiB);
  // Once they expire, the user may stage again.
  expect(await until(() => stagedFiles().length === 0, 20_000)).toBe(true);
  const again = await fetch(`${server.url}/api/v1/uploads`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
    body: new Uint8Array(bundles[0]),
  });
  expect(again.status).toBe(201);
});
