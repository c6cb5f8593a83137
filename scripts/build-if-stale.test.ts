import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testDir } from '../lib/testing/temp-dir';
// @ts-expect-error a plain ES module script without types
import { buildNeeded, compileServer, FINGERPRINT_FILE, recordFingerprint } from './build-if-stale.mjs';

const TSCONFIG = { compilerOptions: { strict: true }, include: ['next-env.d.ts', '**/*.ts', '.next/types/**/*.ts', '.next/dev/types/**/*.ts'] };

/** A project with a few sources and a build of them (its fingerprint recorded, as `npm start` does after building). */
function builtProject() {
  const root = testDir('build-stale-');
  fs.mkdirSync(path.join(root, 'app'));
  fs.mkdirSync(path.join(root, 'lib'));
  fs.mkdirSync(path.join(root, 'public'));
  fs.writeFileSync(path.join(root, 'app', 'page.tsx'), 'export default 1');
  fs.writeFileSync(path.join(root, 'lib', 'one.ts'), 'export const one = 1');
  fs.writeFileSync(path.join(root, 'public', 'favicon.ico'), 'icon');
  fs.writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
  fs.mkdirSync(path.join(root, '.next'));
  fs.writeFileSync(path.join(root, '.next', 'BUILD_ID'), 'build-1');
  recordFingerprint(root, '.next');
  return root;
}
const touch = (file: string, secondsAgo: number) => {
  const t = new Date(Date.now() - secondsAgo * 1000);
  fs.utimesSync(file, t, t);
};

describe('npm start builds only when needed', () => {
  it('builds when there is no build', () => {
    const root = builtProject();
    fs.rmSync(path.join(root, '.next'), { recursive: true });
    expect(buildNeeded(root, '.next')).toMatch(/no production build/);
  });

  it('starts at once when nothing changed, even when every file was touched', () => {
    const root = builtProject();
    expect(buildNeeded(root, '.next')).toBeNull();
    for (const f of ['app/page.tsx', 'lib/one.ts', 'tsconfig.json']) touch(path.join(root, f), -60); // newer than the build
    expect(buildNeeded(root, '.next')).toBeNull();
  });

  it('rebuilds after a source changes, even to an older time and the same size', () => {
    const root = builtProject();
    const file = path.join(root, 'lib', 'one.ts');
    fs.writeFileSync(file, 'export const one = 2');
    touch(file, 3600);
    expect(buildNeeded(root, '.next')).toMatch(/sources changed/);
  });

  it('rebuilds after a source is added or deleted', () => {
    const added = builtProject();
    fs.writeFileSync(path.join(added, 'lib', 'two.ts'), 'export const two = 2');
    expect(buildNeeded(added, '.next')).toMatch(/sources changed/);
    const deleted = builtProject();
    fs.rmSync(path.join(deleted, 'lib', 'one.ts'));
    expect(buildNeeded(deleted, '.next')).toMatch(/sources changed/);
  });

  it('does not rebuild when another build folder only rewrote tsconfig.json\'s include list, or the benchmark left a page in public/', () => {
    const root = builtProject();
    // What `NEXT_DIST_DIR=.next-bench next build` does to tsconfig.json (a new file, newer than the build).
    const rewritten = { ...TSCONFIG, include: [...TSCONFIG.include, '.next-bench/types/**/*.ts', '.next-bench/dev/types/**/*.ts'] };
    fs.writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify(rewritten, null, 2) + '\n');
    fs.writeFileSync(path.join(root, 'public', '__bench-catalog.html'), '<html>');
    fs.writeFileSync(path.join(root, 'lib', 'one.test.ts'), 'test');
    expect(buildNeeded(root, '.next')).toBeNull();
    // Any other change to tsconfig.json is a change.
    fs.writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify({ ...rewritten, compilerOptions: { strict: false } }));
    expect(buildNeeded(root, '.next')).toMatch(/sources changed/);
  });

  it('a build made by `next build` itself (no fingerprint) is adopted when newer than the sources, and then followed by content', () => {
    const root = builtProject();
    fs.rmSync(path.join(root, '.next', FINGERPRINT_FILE));
    touch(path.join(root, 'app', 'page.tsx'), 60);
    touch(path.join(root, 'lib', 'one.ts'), 60);
    touch(path.join(root, 'public', 'favicon.ico'), 60);
    touch(path.join(root, '.next', 'BUILD_ID'), 30);
    expect(buildNeeded(root, '.next')).toBeNull();
    expect(fs.existsSync(path.join(root, '.next', FINGERPRINT_FILE))).toBe(true);
    fs.rmSync(path.join(root, 'lib', 'one.ts'));
    expect(buildNeeded(root, '.next')).toMatch(/sources changed/);

    // A new build (another BUILD_ID) does not inherit the old fingerprint: it is judged by times again.
    const stale = builtProject();
    fs.writeFileSync(path.join(stale, '.next', 'BUILD_ID'), 'build-2');
    touch(path.join(stale, '.next', 'BUILD_ID'), 60);
    expect(buildNeeded(stale, '.next')).toMatch(/sources changed/);
  });
});

describe('npm start runs server.ts compiled', () => {
  it('compiles server.ts into the build folder as plain JavaScript that runs with node alone', async () => {
    const root = path.resolve(__dirname, '..');
    const distDir = `.next-compile-test-${process.pid}`;
    fs.mkdirSync(path.join(root, distDir));
    try {
      const out = await compileServer(root, distDir);
      expect(out).toBe(path.join(root, distDir, 'portal-server.mjs'));
      expect(fs.readFileSync(out, 'utf8')).not.toMatch(/from ["']@\//); // the project's modules are inside, packages imported
      // No TypeScript loader: it starts, reads the configuration, and refuses a bad port as server.ts does.
      let failure: { status: number; stderr: string } | null = null;
      try {
        execFileSync(process.execPath, [out, '-p', 'not-a-port'], { cwd: root, encoding: 'utf8', stdio: 'pipe', env: { ...process.env, NODE_OPTIONS: '' } });
      } catch (error) {
        failure = error as { status: number; stderr: string };
      }
      expect(failure?.status).toBe(1);
      expect(failure?.stderr).toMatch(/^The App Store cannot start: PORT/m);
    } finally {
      fs.rmSync(path.join(root, distDir), { recursive: true, force: true });
    }
  });
});
