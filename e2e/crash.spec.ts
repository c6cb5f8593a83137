// Kills the server (SIGKILL) in the middle of imports and shows that, after a restart, there is no
// partial app and no orphan file: every stored file belongs to a row, every row has its files. The kill
// moments here are wall-clock guesses; lib/apps/import-processes.test.ts kills an import at the exact step
// between placing files and committing rows, every run, and checks that the next start sweeps them.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { expect, test } from '@playwright/test';
import JSZip from 'jszip';
import { adminToken, startServer } from '../scripts/lib/server';
import { PNG } from './bundles';

test.describe.configure({ mode: 'serial' });
test.setTimeout(240_000);

const PORT = Number(process.env.E2E_PORT || 3107) + 10;

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).map((f) => path.join(dir, f)).filter((f) => fs.statSync(f).isFile());
}

function checkConsistency(dataDir: string, name: string) {
  const db = new Database(path.join(dataDir, 'appstore.db'), { readonly: true });
  try {
    const rows = db.prepare('select id, bundle_sha256 as sha from apps where name = ?').all(name) as { id: string; sha: string }[];
    const bundleShas = new Set((db.prepare('select bundle_sha256 as sha from apps').all() as { sha: string }[]).map((r) => r.sha));
    const assetShas = new Set((db.prepare('select sha256 as sha from app_assets').all() as { sha: string }[]).map((r) => r.sha));
    for (const row of rows) {
      expect(fs.existsSync(path.join(dataDir, 'bundles', row.sha.slice(0, 2), row.sha)), 'an app row without its bundle').toBe(true);
      const assets = db.prepare('select sha256 as sha from app_assets where app_id = ?').all(row.id) as { sha: string }[];
      expect(assets.length, 'an app row without its icon').toBeGreaterThan(0);
      for (const a of assets) expect(fs.existsSync(path.join(dataDir, 'assets', a.sha.slice(0, 2), a.sha))).toBe(true);
    }
    for (const f of filesUnder(path.join(dataDir, 'bundles'))) expect(bundleShas.has(path.basename(f)), `orphan bundle ${f}`).toBe(true);
    for (const f of filesUnder(path.join(dataDir, 'assets'))) expect(assetShas.has(path.basename(f)), `orphan asset ${f}`).toBe(true);
    expect(filesUnder(path.join(dataDir, 'staging')), 'staged uploads left behind').toEqual([]);
    expect(filesUnder(path.join(dataDir, 'tmp')), 'temporary files left behind').toEqual([]);
    return rows.length;
  } finally {
    db.close();
  }
}

/** Streams `body` to the import API and calls `onSent` once every byte is handed to the socket. */
function upload(url: string, token: string, body: Buffer, killAt: { fraction?: number; onSent?: () => void; onFraction?: () => void }) {
  return new Promise<number>((resolve) => {
    const req = http.request(`${url}/api/v1/apps`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream', 'Content-Length': body.length },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0)); // the server died
    const chunk = 1024 * 1024;
    let offset = 0;
    let firedFraction = false;
    const pump = () => {
      while (offset < body.length) {
        const end = Math.min(offset + chunk, body.length);
        const ok = req.write(body.subarray(offset, end));
        offset = end;
        if (killAt.fraction !== undefined && !firedFraction && offset >= body.length * killAt.fraction) {
          firedFraction = true;
          killAt.onFraction?.();
          return;
        }
        if (!ok) return void req.once('drain', pump);
      }
      req.end(() => killAt.onSent?.());
    };
    pump();
  });
}

test('a server killed during imports leaves no partial app and no orphan file after restart', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'appstore-crash-'));
  const name = `ai.e2e.crash${Date.now().toString(36)}`;
  const payload = randomBytes(96 * 1024 * 1024);
  // Kill moments: half-way through the upload, then 0, 100, 300 and 800 ms after the last byte was sent.
  const plans = [{ fraction: 0.5 }, { afterSentMs: 0 }, { afterSentMs: 100 }, { afterSentMs: 300 }, { afterSentMs: 800 }];
  let server = await startServer({ port: PORT, dataDir });
  let interrupted = 0;
  try {
    for (const [i, plan] of plans.entries()) {
      const zip = new JSZip();
      zip.file('app.toml', `[App]\nName = "${name}"\nVersion = "1.0.${i}"\n\n[Runtime]\nModule = "app"\n`);
      zip.file('static/icon.png', PNG);
      zip.file('app.py', 'print(1)\n');
      zip.file('data.bin', payload, { compression: 'STORE' });
      const body = await zip.generateAsync({ type: 'nodebuffer' });
      const token = await adminToken(server.url);
      const current = server;
      const kill = () => void current.kill();
      const status = await upload(current.url, token, body, {
        fraction: 'fraction' in plan ? plan.fraction : undefined,
        onFraction: kill,
        onSent: 'afterSentMs' in plan ? () => setTimeout(kill, plan.afterSentMs) : undefined,
      });
      await current.kill();
      expect([0, 201]).toContain(status);
      interrupted += filesUnder(path.join(dataDir, 'staging')).length + filesUnder(path.join(dataDir, 'tmp')).length;
      server = await startServer({ port: PORT, dataDir });
      const stored = checkConsistency(dataDir, name);
      // What the API shows agrees with the rows: complete apps only, each downloadable.
      const list = await fetch(`${server.url}/api/v1/apps?name=${name}`, { headers: { Authorization: `Bearer ${await adminToken(server.url)}` } });
      const apps = (await list.json()) as { id: string; version: string }[];
      expect(apps).toHaveLength(stored);
      if (status === 201) expect(apps.map((a) => a.version)).toContain(`1.0.${i}`);
    }
    // The kills really landed mid-import: some left half-written files that the restart swept.
    expect(interrupted).toBeGreaterThan(0);
  } finally {
    await server.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
