// Runtime versions: readable by anyone, kept by admins, printed by the CLI, and checked on import.
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { importBundle, makeBundle } from './bundles';
import { createUser, E2E_ADMIN, RESTRICTED, signIn, tokenFor, unique } from './helpers';

const VIEWPORTS = [
  { width: 1280, height: 900 },
  { width: 390, height: 844 },
];

const SEEDED = [
  'deb11_py38_wlatest',
  'deb11_py39_wlatest',
  'deb11_py310_wlatest',
  'ub2004_cuda114_cudnn8_py38_wlatest',
  'ub2204_cuda121_cudnn8_py310_wlatest',
];

test('anyone reads the runtime versions, and the CLI prints them as NAME STATUS', async ({ request, baseURL }) => {
  const res = await request.get('/api/v1/runtime-versions');
  expect(res.status()).toBe(200);
  const list = (await res.json()) as { name: string; status: string; gpu: boolean; pythonVersion: string }[];
  expect(list.map((r) => r.name)).toEqual(expect.arrayContaining(SEEDED));
  expect(list.filter((r) => r.status === 'default')).toHaveLength(1);
  expect(list.find((r) => r.name === 'ub2204_cuda121_cudnn8_py310_wlatest')).toMatchObject({ gpu: true, pythonVersion: '3.10' });

  const { stdout } = await promisify(execFile)('node', ['bin/appstore.mjs', 'env', 'runtime-version', 'list', '--url', baseURL!], {
    env: { ...process.env, APPSTORE_CONFIG: path.join(os.tmpdir(), `${unique('none')}.json`), APPSTORE_TOKEN: '' },
  });
  const lines = stdout.trim().split('\n');
  expect(lines[0]).toMatch(/^NAME\s+STATUS$/);
  expect(lines).toContainEqual(expect.stringMatching(/^deb11_py310_wlatest\s+Default$/));
  for (const name of SEEDED) expect(stdout).toContain(name);
});

test('an import naming an unknown runtime is refused with the known names; GPU on a CPU runtime is flagged', async ({
  request,
}) => {
  const user = await createUser(request);
  const headers = { Authorization: `Bearer ${await tokenFor(request, user.email, user.password)}` };
  const res = await importBundle(request, headers, await makeBundle({ name: unique('rt'), runtimeVersion: 'deb13_py314_wlatest' }));
  expect(res.status()).toBe(400);
  const error = ((await res.json()).errors as { path: string; message: string }[]).find(
    (e) => e.path === 'Runtime.RuntimeVersion',
  )!;
  expect(error.message).toContain('"deb13_py314_wlatest" is not known');
  for (const name of SEEDED) expect(error.message).toContain(name);

  const gpuApp = await importBundle(
    request,
    headers,
    await makeBundle({
      name: unique('gpu'),
      appToml: `[App]\nName = "${unique('gpu')}"\nVersion = "0.0.1"\n\n[Runtime]\nModule = "app.main"\nRuntimeVersion = "deb11_py39_wlatest"\nGPUCount = 1\n`,
    }),
  );
  expect(gpuApp.status(), await gpuApp.text()).toBe(201);
  const body = await gpuApp.json();
  expect(body.runtimeVersion).toBe('deb11_py39_wlatest');
  expect(JSON.stringify(body)).toContain('Runtime.GPUCount');
});

test('a non-admin is refused /admin/runtimes', async ({ page, request }) => {
  const user = await createUser(request);
  await signIn(page, user.email, user.password);
  expect((await page.goto('/admin/runtimes'))?.status()).toBe(404);
});

test.describe('administration', () => {
  // Picking another default is done on the second server, so imports running in parallel on the first keep theirs.
  test.use({ baseURL: RESTRICTED.url });

  // One after the other: each run changes this server's default runtime and puts it back.
  test.describe.configure({ mode: 'serial' });
  for (const viewport of VIEWPORTS) {
    test(`an admin adds a runtime, deprecates it (it keeps its place and cannot be the default), makes it the default and back (${viewport.width} px)`, async ({
      page,
      request,
    }) => {
      await page.setViewportSize(viewport);
      const name = unique('deb12_py311').replaceAll('-', '_');
      await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
      await page.goto('/admin/runtimes');
      const add = page.getByRole('form', { name: 'New runtime version' });
      await add.getByLabel('Name').fill(name);
      await add.getByLabel('Python version').fill('3.11');
      await add.getByLabel('Note').fill('Debian 12');
      await add.getByRole('button', { name: 'Add runtime version' }).click();
      await expect(add.getByRole('status')).toHaveText(`Added ${name}.`);

      const row = page.getByTestId('runtime-row').filter({ hasText: name });
      await expect(row).toContainText('available');
      const rowNames = () => page.getByTestId('runtime-row').locator('h3').allTextContents();
      const order = await rowNames();
      expect(order).toEqual([...order].sort());
      await row.getByRole('button', { name: `Deprecate: ${name}` }).click();
      await expect(row).toContainText('deprecated');
      // It keeps its place, and cannot be made the default until it is available again.
      expect(await rowNames()).toEqual(order);
      await expect(row.getByRole('button', { name: `Make default: ${name}` })).toHaveCount(0);
      await expect(row).toContainText('make it available before it can be the default');

      const status = async (n: string) =>
        ((await (await request.get('/api/v1/runtime-versions')).json()) as { name: string; status: string }[]).find(
          (r) => r.name === n,
        )?.status;
      expect(await status(name)).toBe('deprecated');

      await row.getByRole('button', { name: `Make available: ${name}` }).click();
      await expect(row.getByRole('button', { name: `Make default: ${name}` })).toBeVisible();
      expect(await status(name)).toBe('available');
      await row.getByRole('button', { name: `Make default: ${name}` }).click();
      await expect(row.getByText('Pick another default to change this one.')).toBeVisible();
      expect(await status(name)).toBe('default');
      expect(await status('deb11_py310_wlatest')).toBe('available');

      const back = page.getByTestId('runtime-row').filter({ hasText: 'deb11_py310_wlatest' });
      await back.getByRole('button', { name: 'Make default: deb11_py310_wlatest' }).click();
      await expect(back.getByText('Pick another default to change this one.')).toBeVisible();
      const list = (await (await request.get('/api/v1/runtime-versions')).json()) as { name: string; status: string }[];
      expect(list.filter((r) => r.status === 'default').map((r) => r.name)).toEqual(['deb11_py310_wlatest']);

      await row.getByText(`Edit ${name}`).click();
      await row.getByLabel('Python version').fill('3.11.9');
      await row.getByRole('button', { name: 'Save' }).click();
      await expect(row).toContainText('Python 3.11.9');
      // The page with its rows and buttons stays inside a phone's width.
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);

      // Anonymous callers read it too, on a server with visitors and public mode.
      expect((await request.get('/api/v1/runtime-versions')).status()).toBe(200);
    });
  }
});
