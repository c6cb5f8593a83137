import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from './main';
import { memoryIo } from './test-helpers';

let dir: string;

afterAll(() => rm(dir, { recursive: true, force: true }));
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'appstore-validate-'));
  await writeFile(path.join(dir, 'notes.wave'), 'this is plain text, not a zip archive\n');
  const app = path.join(dir, 'app');
  await mkdir(path.join(app, 'static'), { recursive: true });
  await writeFile(
    path.join(app, 'app.toml'),
    '[App]\nName = "ai.h2o.wave.validate-test"\nVersion = "2.0.1"\nTitle = "Validate test"\nDescription = "d"\n\n[Runtime]\nModule = "app"\n',
  );
  await writeFile(path.join(app, 'app.py'), 'print("hi")\n');
  await writeFile(
    path.join(app, 'static', 'icon.png'),
    Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'),
  );
  expect(await main(['bundle', 'app', '-o', 'good.wave'], memoryIo({ cwd: dir }))).toBe(0);
  // Built by hand: `appstore bundle` itself refuses an invalid app.toml.
  const bad = new JSZip();
  bad.file(
    'app.toml',
    '[App]\nName = "ai.h2o.wave.validate-bad"\nVersion = "1.0"\nLongDescription = "about.md"\n\n[Runtime]\nModule = "app"\nRuntimeVersion = "no_such_runtime"\n\n[[Env]]\nName = "TOKEN"\nSecret = "no-such-secret"\nSecretKey = "token"\n',
  );
  bad.file('app.py', 'print("hi")\n');
  await writeFile(path.join(dir, 'bad.wave'), await bad.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
  const unclosed = new JSZip();
  unclosed.file('app.toml', '[App]\nName = "ai.h2o.wave.unclosed\nVersion = "1.0.0"\n');
  await writeFile(path.join(dir, 'unclosed.wave'), await unclosed.generateAsync({ type: 'nodebuffer' }));
});

async function run(args: string[]) {
  const io = memoryIo({ cwd: dir });
  const code = await main(['validate', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

/** stdout must parse as one JSON object with exactly the documented keys. */
function onlyReport(stdout: string) {
  const report = JSON.parse(stdout);
  expect(Object.keys(report).sort()).toEqual(['errors', 'manifest', 'ok', 'serverChecks', 'warnings']);
  return report;
}

describe('appstore validate', () => {
  it('summarises a valid bundle and exits 0', async () => {
    const { code, out } = await run(['good.wave']);
    expect(code).toBe(0);
    expect(out).toContain('good.wave: valid bundle');
    expect(out).toMatch(/Name\s+ai\.h2o\.wave\.validate-test/);
    expect(out).toMatch(/Version\s+2\.0\.1/);
    expect(out).toMatch(/Title\s+Validate test/);
    expect(out).toMatch(/Icon\s+static\/icon\.png/);
    expect(out).toMatch(/Screenshots\s+0/);
  });

  it('prints the manifest with icon and screenshots for a valid bundle with --json', async () => {
    const { code, out } = await run(['--json', 'good.wave']);
    expect(code).toBe(0);
    const report = onlyReport(out);
    expect(report).toMatchObject({ ok: true, errors: [], manifest: { name: 'ai.h2o.wave.validate-test', version: '2.0.1', icon: 'static/icon.png', screenshots: [] } });
  });

  it('prints one JSON object for a file that is not a zip', async () => {
    const { code, out } = await run(['--json', 'notes.wave']);
    expect(code).toBe(1);
    const report = onlyReport(out);
    expect(report.ok).toBe(false);
    expect(report.manifest).toBeNull();
    expect(report.errors.length).toBeGreaterThan(0);
    expect(report.errors[0]).toEqual({ path: expect.any(String), message: expect.any(String) });
  });

  it('prints one JSON object for a file that does not exist', async () => {
    const { code, out } = await run(['missing.wave', '--json']);
    expect(code).toBe(1);
    const report = onlyReport(out);
    expect(report).toMatchObject({ ok: false, manifest: null, warnings: [] });
    expect(report.errors.length).toBeGreaterThan(0);
  });

  it('prints one JSON object even for wrong arguments', async () => {
    const { code, out, err } = await run(['--json']);
    expect(code).toBe(2);
    expect(onlyReport(out).ok).toBe(false);
    expect(err).toContain('FILE is required');
  });

  it('lists every error and exits 1 without --json', async () => {
    const { code, out } = await run(['notes.wave']);
    expect(code).toBe(1);
    expect(out).toMatch(/^notes\.wave: not a valid bundle \(\d+ errors?\)\n {2}error: /);
  });

  it('reports a bad Version and a missing LongDescription file together, and names the checks left to the server', async () => {
    const { code, out } = await run(['bad.wave']);
    expect(code).toBe(1);
    expect(out).toMatch(/error: App\.Version: /);
    expect(out).toMatch(/error: App\.LongDescription: .*about\.md/);
    expect(out).toContain('Checked by the server on import');
    expect(out).toMatch(/RuntimeVersion/);
    expect(out).toMatch(/Secret exists/);
    const report = onlyReport((await run(['--json', 'bad.wave'])).out);
    expect(report.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['App.Version', 'App.LongDescription']));
    expect(report.serverChecks.length).toBeGreaterThan(0);
  });

  it('reports an unclosed string where it starts, with the line and a caret', async () => {
    const { code, out } = await run(['unclosed.wave']);
    expect(code).toBe(1);
    expect(out).toContain('error: app.toml: TOML syntax error: unterminated string starting at line 2, column 8');
    // The caret sits under the opening quote.
    expect(out).toContain('        2 | Name = "ai.h2o.wave.unclosed\n          |        ^\n');
    expect(out).not.toMatch(/control characters/);
  });

  it('keeps stdout to the JSON object when run as the installed command', async () => {
    const bin = fileURLToPath(new URL('../../bin/appstore.mjs', import.meta.url));
    const result = await promisify(execFile)(process.execPath, [bin, 'validate', '--json', 'notes.wave'], { cwd: dir }).catch(
      (err: { code: number; stdout: string }) => err,
    );
    expect((result as { code?: number }).code).toBe(1);
    expect(onlyReport(result.stdout).ok).toBe(false);
  });
});
