// A server started with RUNNER_SANDBOX=off on a host where the portal cannot create cgroups (simulated: the
// server runs in its own mount namespace with an empty /sys/fs/cgroup). The admin page warns that the sandbox
// is off, and an instance page says its resource limits are not enforced on this host.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { expect, test } from '@playwright/test';
import { ADMIN, adminToken, startServer, type RunningServer } from '../scripts/lib/server';
import { signIn } from './helpers';

test.setTimeout(180_000);

// +10 is crash.spec, +12…+15 the hardening specs, +20 instances-crash.
const PORT = Number(process.env.E2E_PORT || 3107) + 24;
/** Runs the server with no cgroup hierarchy visible (an empty tmpfs over /sys/fs/cgroup, in its own mount namespace). */
const WITHOUT_CGROUPS = ['unshare', '--mount', '--propagation', 'private', '/bin/sh', '-c', 'mount -t tmpfs no-cgroups /sys/fs/cgroup && exec "$@"', 'sh'];

async function limitedAppBundle(name: string): Promise<Buffer> {
  const zip = new JSZip();
  zip.file(
    'app.toml',
    ['[App]', `Name = "${name}"`, 'Version = "1.0.0"', 'Title = "Limited probe"', '', '[Runtime]', 'Module = "probe"', 'AppMode = "python"', 'MemoryLimit = "256Mi"', 'CPULimit = "500m"', ''].join('\n'),
  );
  // It needs no port: it says why it stops and exits (the pages under test do not depend on it running).
  zip.file('probe.py', "print('limited probe: nothing to serve', flush=True)\n");
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

let server: RunningServer;
let dataDir: string;

test.beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'appstore-unsandboxed-'));
  fs.chmodSync(dataDir, 0o711);
  server = await startServer({
    port: PORT,
    dataDir,
    env: { PUBLIC_URL: `http://127.0.0.1:${PORT}`, APPS_DOMAIN: `localhost:${PORT}`, RUNNER_SANDBOX: 'off' },
    wrapper: WITHOUT_CGROUPS,
  });
});

test.afterAll(async () => {
  await server?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('RUNNER_SANDBOX=off: Admin → Instances warns; without cgroups an instance page says its limits are not enforced on this host', async ({ browser }) => {
  const auth = { Authorization: `Bearer ${await adminToken(server.url)}` };
  const imported = await fetch(`${server.url}/api/v1/apps?visibility=ALL_USERS`, {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/octet-stream' },
    body: new Uint8Array(await limitedAppBundle(`limited-${Date.now().toString(36)}`)),
  });
  const importedBody = await imported.text();
  expect(imported.status, importedBody).toBe(201);
  const started = await fetch(`${server.url}/api/v1/instances`, {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ appId: (JSON.parse(importedBody) as { id: string }).id }),
  });
  expect(started.status).toBe(201);
  const { id } = (await started.json()) as { id: string };

  const context = await browser.newContext({ baseURL: server.url });
  const page = await context.newPage();
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto('/admin/instances');
  await expect(page.getByRole('alert').filter({ hasText: 'RUNNER_SANDBOX' })).toHaveText(/^Warning: the sandbox is switched off \(RUNNER_SANDBOX=off\)/);

  await page.goto(`/instances/${id}`);
  const resources = page.getByRole('heading', { name: 'Resources' }).locator('..');
  await expect(resources.getByRole('definition').filter({ hasText: '256Mi' })).toHaveText('256Mi (not enforced on this host)');
  await expect(resources.getByRole('definition').filter({ hasText: '500m' })).toHaveText('500m (not enforced on this host)');
  await expect(resources).toContainText('The sandbox is switched off on this server (RUNNER_SANDBOX=off).');
  await context.close();
});
