// Backup while the portal works, restore into a new folder, and a portal started on it serves exactly what
// was backed up: every bundle with the sha256 its row records, and secrets that still decrypt (an app's
// instance reads one).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from '@playwright/test';
import { adminToken, startServer, type RunningServer } from '../scripts/lib/server';
import { makeBundle } from './bundles';
import { instanceAppBundle } from './instance-app';

test.setTimeout(240_000);

// +10 crash.spec, +12…+15 hardening, +20 instances-crash, +24 instances-unsandboxed, +26 storage.spec.
const PORT = Number(process.env.E2E_PORT || 3107) + 22;

function cli(...args: string[]) {
  return new Promise<{ code: number; out: string; err: string }>((resolve) => {
    execFile(process.execPath, ['bin/appstore.mjs', ...args], { env: { ...process.env, APPSTORE_CONFIG: '/nonexistent/config.json' } }, (error, out, err) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, out, err }),
    );
  });
}

async function api(server: RunningServer, token: string, method: string, pathname: string, body?: unknown, raw?: Uint8Array) {
  return fetch(`${server.url}${pathname}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(raw ? { 'Content-Type': 'application/octet-stream' } : body ? { 'Content-Type': 'application/json' } : {}),
    },
    body: raw ? (raw as unknown as BodyInit) : body ? JSON.stringify(body) : undefined,
  });
}

test('a backup taken during imports and deletes restores into a portal that serves the same apps and secrets', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'appstore-backup-'));
  fs.chmodSync(root, 0o711);
  const source = path.join(root, 'data');
  const restored = path.join(root, 'restored');
  const archive = path.join(root, 'backup.tar');
  const env = { PUBLIC_URL: `http://127.0.0.1:${PORT}`, APPS_DOMAIN: `localhost:${PORT}` };
  let server = await startServer({ port: PORT, dataDir: source, env });
  try {
    fs.chmodSync(source, 0o711);
    const token = await adminToken(server.url);
    const stamp = Date.now().toString(36);
    expect((await api(server, token, 'POST', '/api/v1/secrets', { name: 'backup-api', values: { token: 'survives-the-restore' } })).status).toBe(201);
    const secretApp = await api(server, token, 'POST', '/api/v1/apps?visibility=ALL_USERS', undefined, new Uint8Array(await instanceAppBundle({ name: `secret-app-${stamp}`, secret: 'backup-api' })));
    expect(secretApp.status).toBe(201);
    const doomed: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await api(server, token, 'POST', '/api/v1/apps', undefined, new Uint8Array(await makeBundle({ name: `doomed-${stamp}-${i}`, version: '1.0.0', screenshots: 1 })));
      doomed.push(((await res.json()) as { id: string }).id);
    }
    // The backup runs while 5 imports and 2 deletes do.
    const traffic = Promise.all([
      ...Array.from({ length: 5 }, async (_, i) =>
        api(server, token, 'POST', '/api/v1/apps', undefined, new Uint8Array(await makeBundle({ name: `busy-${stamp}-${i}`, version: '1.0.0', screenshots: 2 }))),
      ),
      ...doomed.map((id) => api(server, token, 'DELETE', `/api/v1/apps/${id}`)),
    ]);
    const backup = await cli('admin', 'backup', '-o', archive, '--url', server.url, '--token', token);
    const answers = await traffic;
    expect(backup.code, backup.err).toBe(0);
    // Progress against the totals the portal announced before the first byte, ending with every file.
    expect(backup.err).toMatch(/^Backing up \d+ files, [\d.,]+ MiB, and a manifest of their checksums\.$/m);
    expect(backup.err).toMatch(/^(\d+)\/\1 files, ([\d.,]+) of \2 MiB \(100 %\)$/m);
    expect(answers.map((r) => r.status).sort()).toEqual([201, 201, 201, 201, 201, 204, 204]);

    // Restoring refuses a folder that is not empty, then fills an empty one.
    expect((await cli('admin', 'restore', archive, '--data-dir', source)).code).toBe(1);
    const restore = await cli('admin', 'restore', archive, '--data-dir', restored);
    expect(restore.code, restore.err).toBe(0);
    expect(restore.out).toMatch(/every checksum matches/);

    await server.kill();
    server = await startServer({ port: PORT, dataDir: restored, env });
    const restoredToken = await adminToken(server.url);
    const check = await cli('admin', 'fsck', '--url', server.url, '--token', restoredToken);
    expect(check.out + check.err).toContain('Everything checks out.');
    expect(check.code).toBe(0);
    const db = new Database(path.join(restored, 'appstore.db'), { readonly: true });
    const rows = db.prepare('select id, name, bundle_sha256 as sha from apps').all() as { id: string; name: string; sha: string }[];
    db.close();
    expect(rows.some((r) => r.name === `secret-app-${stamp}`)).toBe(true);
    for (const row of rows) {
      const bundle = await api(server, restoredToken, 'GET', `/api/v1/apps/${row.id}/bundle`);
      expect(bundle.status, row.name).toBe(200);
      expect(createHash('sha256').update(Buffer.from(await bundle.arrayBuffer())).digest('hex'), row.name).toBe(row.sha);
    }
    // The secret still decrypts: an instance of the app that names it receives the value.
    const appId = rows.find((r) => r.name === `secret-app-${stamp}`)!.id;
    const started = await api(server, restoredToken, 'POST', '/api/v1/instances', { appId, visibility: 'PUBLIC' });
    const { id } = (await started.json()) as { id: string };
    await expect.poll(async () => ((await (await api(server, restoredToken, 'GET', `/api/v1/instances/${id}`)).json()) as { status: string }).status, { timeout: 60_000 }).toBe('DEPLOYED');
    expect(await (await fetch(`${server.url}/instance/${id}/`)).text()).toContain('<span id="secret">survives-the-restore</span>');
  } finally {
    await server.kill();
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('a restore stops at an altered file and leaves the folder empty', async () => {
  const { restoreArchive, RestoreError } = await import('../lib/backup/restore');
  const { pack } = await import('tar-stream');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'appstore-restore-'));
  try {
    const content = Buffer.from('database bytes');
    const manifest = {
      format: 'appstore-backup/1',
      createdAt: new Date().toISOString(),
      migrations: [],
      counts: { apps: 0, assets: 0, secrets: 0, users: 0, instances: 0 },
      files: { 'appstore.db': { sha256: createHash('sha256').update('other bytes').digest('hex'), size: content.length } },
      keysFromEnvironment: [],
    };
    const tar = pack();
    tar.entry({ name: 'manifest.json' }, JSON.stringify(manifest));
    tar.entry({ name: 'appstore.db' }, content);
    tar.finalize();
    const dir = path.join(root, 'data');
    await expect(restoreArchive(tar as unknown as import('node:stream').Readable, dir)).rejects.toThrow(RestoreError);
    expect(fs.readdirSync(dir)).toEqual([]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
