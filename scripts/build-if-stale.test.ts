import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error a plain ES module script without types
import { buildNeeded } from './build-if-stale.mjs';

function project() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'build-stale-'));
  fs.mkdirSync(path.join(root, 'app'));
  fs.writeFileSync(path.join(root, 'app', 'page.tsx'), 'x');
  return root;
}
const touch = (file: string, secondsAgo: number) => {
  const t = new Date(Date.now() - secondsAgo * 1000);
  fs.utimesSync(file, t, t);
};

describe('npm start builds only when needed', () => {
  it('builds when there is no build', () => {
    expect(buildNeeded(project(), '.next')).toMatch(/no production build/);
  });

  it('starts at once when the build is newer than every source, and rebuilds after a source changes', () => {
    const root = project();
    fs.mkdirSync(path.join(root, '.next'));
    fs.writeFileSync(path.join(root, '.next', 'BUILD_ID'), 'id');
    touch(path.join(root, 'app', 'page.tsx'), 60);
    touch(path.join(root, '.next', 'BUILD_ID'), 30);
    expect(buildNeeded(root, '.next')).toBeNull();
    fs.mkdirSync(path.join(root, 'lib'));
    fs.writeFileSync(path.join(root, 'lib', 'new.ts'), 'y'); // newer than the build
    expect(buildNeeded(root, '.next')).toMatch(/sources changed/);
  });
});
