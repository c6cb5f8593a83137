// bench:catalog's floor (next-floor.ts): a bare Next app, built from the project's own `next`, whose page is
// rendered per request (a prerendered page would measure a cached file, not Next's renderer), in the number of
// processes asked for, beside a static file of exactly that page's size; stop() leaves nothing behind.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { childPids, projectRoot } from './server';
import { startFloor, type FloorServer } from './next-floor';

const dir = path.join(projectRoot, `.bench-floor-test-${process.pid}`);
let floor: FloorServer | null = null;

afterAll(async () => {
  await floor?.stop();
});

it('serves a page rendered per request in the processes asked for, beside a static file of its size', { timeout: 180_000 }, async () => {
  floor = await startFloor(2, dir);
  const page = await fetch(`${floor.url}${floor.page}`);
  expect(page.status).toBe(200);
  expect(page.headers.get('cache-control')).toContain('no-store');
  const html = await page.text();
  expect(html).toContain('Rendered per request, with no data.');
  const file = await fetch(`${floor.url}${floor.staticFile}`);
  expect(file.status).toBe(200);
  const bytes = Buffer.from(await file.arrayBuffer());
  expect(bytes.length).toBe(floor.pageBytes);
  expect(Math.abs(bytes.length - Buffer.byteLength(html))).toBeLessThan(200); // the same page, another render
  expect(childPids(floor.pid)).toHaveLength(2);
  // Not the portal's start-up (Turbopack finds the project's instrumentation.ts when the app has none of its own).
  const built = fs.readdirSync(path.join(dir, '.next/server'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
  expect(built.length).toBeGreaterThan(0);
  expect(built.filter((file) => fs.readFileSync(path.join(dir, '.next/server', file), 'utf8').includes('The App Store cannot start'))).toEqual([]);

  const workers = childPids(floor.pid);
  await floor.stop();
  floor = null;
  expect(fs.existsSync(dir)).toBe(false);
  for (const pid of [...workers]) {
    await expect.poll(() => fs.existsSync(`/proc/${pid}`) && !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ')).toBe(false);
  }
});

it('refuses a folder outside the project (the build resolves `next` from the project)', async () => {
  await expect(startFloor(1, '/tmp/outside-the-project')).rejects.toThrow('is not inside the project');
});
