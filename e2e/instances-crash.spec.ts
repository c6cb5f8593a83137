// kill -9 of the portal with two instances DEPLOYED: their sandboxes die with it, and after the restart
// both come back (same ids, same volumes) without anyone touching them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { adminToken, startServer } from '../scripts/lib/server';
import { instanceAppBundle } from './instance-app';

test.setTimeout(180_000);

// +10 is crash.spec, +12…+15 the hardening specs.
const PORT = Number(process.env.E2E_PORT || 3107) + 20;

/** Processes whose environment names this instance (the app inside its sandbox). */
function processesOf(instanceId: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/environ`, 'latin1').includes(`H2O_CLOUD_INSTANCE_ID=${instanceId}`)) pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

test('instances that were DEPLOYED come back after the portal is killed, with their volumes', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'appstore-instances-crash-'));
  fs.chmodSync(dataDir, 0o711);
  const env = { PUBLIC_URL: `http://127.0.0.1:${PORT}`, APPS_DOMAIN: `localhost:${PORT}` };
  let server = await startServer({ port: PORT, dataDir, env });
  try {
    const auth = { Authorization: `Bearer ${await adminToken(server.url)}` };
    const imported = await fetch(`${server.url}/api/v1/apps?visibility=ALL_USERS`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/octet-stream' },
      body: new Uint8Array(await instanceAppBundle({ name: `crash-probe-${Date.now().toString(36)}` })),
    });
    expect(imported.status).toBe(201);
    const appId = ((await imported.json()) as { id: string }).id;
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${server.url}/api/v1/instances`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ appId, visibility: 'PUBLIC' }),
      });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { id: string }).id);
    }
    const status = async (id: string) => ((await (await fetch(`${server.url}/api/v1/instances/${id}`, { headers: auth })).json()) as { status: string }).status;
    for (const id of ids) await expect.poll(() => status(id), { timeout: 60_000 }).toBe('DEPLOYED');
    for (const id of ids) {
      const written = await fetch(`${server.url}/instance/${id}/write?text=note-of-${id}`);
      expect(await written.text()).toBe('written');
      expect(processesOf(id).length).toBeGreaterThan(0);
    }

    await server.kill();
    // Each sandbox dies with the portal (no orphaned app keeps running unsupervised).
    for (const id of ids) await expect.poll(() => processesOf(id), { timeout: 10_000 }).toEqual([]);

    server = await startServer({ port: PORT, dataDir, env });
    for (const id of ids) await expect.poll(() => status(id), { timeout: 60_000 }).toBe('DEPLOYED');
    for (const id of ids) {
      const page = await (await fetch(`${server.url}/instance/${id}/`)).text();
      expect(page).toContain(`<span id="instance">${id}</span>`);
      expect(page).toContain(`<span id="note">note-of-${id}</span>`);
    }
  } finally {
    await server.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
