// `npm start` builds only when the production build is missing or older than the sources it is built
// from, so a restart of a built portal serves its first page at once instead of rebuilding (~40 s).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What `next build` reads: sources, styles, configuration and the installed dependencies' lock. */
export const BUILD_INPUTS = ['app', 'components', 'lib', 'db', 'public', 'instrumentation.ts', 'next.config.mjs', 'postcss.config.mjs', 'tsconfig.json', 'package.json', 'package-lock.json'];

/** The newest modification time (ms) of the files under `inputs` (test files included: cheap and safe). */
export function newestInput(root, inputs = BUILD_INPUTS) {
  let newest = 0;
  const visit = (p) => {
    let stat;
    try {
      stat = fs.statSync(p);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(p)) if (entry !== 'node_modules') visit(path.join(p, entry));
    } else {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  for (const input of inputs) visit(path.join(root, input));
  return newest;
}

/** Why a build is needed, or null when the one in `distDir` is newer than every input. */
export function buildNeeded(root, distDir) {
  const buildId = path.join(root, distDir, 'BUILD_ID');
  if (!fs.existsSync(buildId)) return `no production build in ${distDir}`;
  const built = fs.statSync(buildId).mtimeMs;
  return newestInput(root) > built ? 'the sources changed since the last build' : null;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const reason = buildNeeded(root, process.env.NEXT_DIST_DIR || '.next');
  if (reason === null) {
    console.log('The production build is up to date: starting without rebuilding.');
  } else {
    console.log(`Building the portal (${reason})…`);
    const result = spawnSync('npx', ['next', 'build'], { cwd: root, stdio: 'inherit' });
    process.exit(result.status ?? 1);
  }
}
