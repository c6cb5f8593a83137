// `npm start` builds only when the production build is missing or was built from other sources, so a
// restart of a built portal serves its first page at once instead of rebuilding (~40 s). The build folder
// keeps a fingerprint of what it was built from (every input's path and content); a changed, added or
// deleted source changes it. What builds themselves rewrite is left out: the `<distDir>/types` lines
// `next build` adds to tsconfig.json's include list (a build into another folder, such as the catalog
// benchmark's .next-bench, adds its own), and the benchmark's temporary files in public/.
// Then it compiles server.ts (and the lib/ modules it imports) into <distDir>/portal-server.mjs, which
// `npm start` runs with plain node: no TypeScript loader on the path of every module Next loads.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What `next build` reads: sources, styles, configuration, environment files and the installed dependencies' lock. */
export const BUILD_INPUTS = [
  'app',
  'components',
  'lib',
  'db',
  'public',
  'instrumentation.ts',
  'next.config.mjs',
  'postcss.config.mjs',
  'tsconfig.json',
  'package.json',
  'package-lock.json',
  '.env',
  '.env.local',
  '.env.production',
  '.env.production.local',
];

/** The file in the build folder holding the fingerprint of the inputs it was built from. */
export const FINGERPRINT_FILE = 'appstore-build-inputs.json';

/** Files under the inputs that no build reads: unit tests (never imported by the app) and the benchmark's pages. */
function ignored(relative) {
  return /\.test\.tsx?$/.test(relative) || /^public\/__bench-/.test(relative);
}

/** tsconfig.json without the include lines builds add for their own dist folders (`.next-x/types/**`). */
function normalizedTsconfig(text) {
  try {
    const json = JSON.parse(text);
    if (Array.isArray(json.include)) json.include = json.include.filter((p) => !/^\.next[^/]*\/(dev\/)?types\//.test(p));
    return JSON.stringify(json);
  } catch {
    return text; // not JSON: its bytes are what counts
  }
}

/** The input files (relative paths, sorted), without node_modules, dot folders and ignored files. */
export function inputFiles(root, inputs = BUILD_INPUTS) {
  const files = [];
  const visit = (relative) => {
    let stat;
    try {
      stat = fs.statSync(path.join(root, relative));
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(path.join(root, relative))) {
        if (entry === 'node_modules') continue;
        visit(path.posix.join(relative, entry));
      }
    } else if (stat.isFile() && !ignored(relative)) {
      files.push(relative);
    }
  };
  for (const input of inputs) visit(input);
  return files.sort();
}

/** A sha256 over every input's path and content (tsconfig.json normalized). */
export function inputsFingerprint(root, inputs = BUILD_INPUTS) {
  const hash = createHash('sha256');
  for (const relative of inputFiles(root, inputs)) {
    const bytes = fs.readFileSync(path.join(root, relative));
    const content = relative === 'tsconfig.json' ? Buffer.from(normalizedTsconfig(bytes.toString('utf8'))) : bytes;
    hash.update(`${relative}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest('hex');
}

function readBuildId(root, distDir) {
  try {
    return fs.readFileSync(path.join(root, distDir, 'BUILD_ID'), 'utf8').trim();
  } catch {
    return null;
  }
}

function readRecorded(root, distDir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, distDir, FINGERPRINT_FILE), 'utf8'));
  } catch {
    return null;
  }
}

/** Records that the build in `distDir` was made from these inputs. */
export function recordFingerprint(root, distDir, fingerprint = inputsFingerprint(root)) {
  const buildId = readBuildId(root, distDir);
  if (buildId === null) return;
  fs.writeFileSync(path.join(root, distDir, FINGERPRINT_FILE), JSON.stringify({ buildId, inputs: fingerprint }) + '\n');
}

/** The newest modification time (ms) of the input files: the rule for a build made without a fingerprint. */
function newestInput(root) {
  let newest = 0;
  for (const relative of inputFiles(root)) {
    if (relative === 'tsconfig.json') continue; // rewritten by every build, into any dist folder
    newest = Math.max(newest, fs.statSync(path.join(root, relative)).mtimeMs);
  }
  return newest;
}

/**
 * Why a build is needed, or null when the one in `distDir` was built from the current inputs. A build made
 * by `next build` directly (no fingerprint yet) is adopted when it is newer than every input, and its
 * fingerprint recorded then, so that from the next start on a deleted file is noticed too.
 */
export function buildNeeded(root, distDir) {
  const buildId = readBuildId(root, distDir);
  if (buildId === null) return `no production build in ${distDir}`;
  const fingerprint = inputsFingerprint(root);
  const recorded = readRecorded(root, distDir);
  if (recorded && recorded.buildId === buildId) return recorded.inputs === fingerprint ? null : 'the sources changed since the last build';
  const built = fs.statSync(path.join(root, distDir, 'BUILD_ID')).mtimeMs;
  if (newestInput(root) > built) return 'the sources changed since the last build';
  recordFingerprint(root, distDir, fingerprint);
  return null;
}

/** The compiled server `npm start` runs, inside the build folder (server.ts finds the project from there). */
export const COMPILED_SERVER = 'portal-server.mjs';

/**
 * Compiles server.ts with esbuild (packages stay imports), replacing the copy in `distDir` at once. `name`: the
 * file's name there (tests that start servers of their own compile one each, so that they never race).
 */
export async function compileServer(root, distDir, name = COMPILED_SERVER) {
  const { build } = await import('esbuild');
  const out = path.join(root, distDir, name);
  await build({
    entryPoints: [path.join(root, 'server.ts')],
    outfile: `${out}.tmp`,
    bundle: true,
    packages: 'external',
    alias: { '@': root },
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    banner: { js: '// Generated from server.ts by scripts/build-if-stale.mjs (npm start): do not edit.' },
    logLevel: 'warning',
  });
  fs.renameSync(`${out}.tmp`, out);
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const distDir = process.env.NEXT_DIST_DIR || '.next';
  const reason = buildNeeded(root, distDir);
  if (reason === null) {
    console.log('The production build is up to date: starting without rebuilding.');
  } else {
    console.log(`Building the portal (${reason})…`);
    const fingerprint = inputsFingerprint(root); // the inputs the build starts from
    const result = spawnSync('npx', ['next', 'build'], { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) process.exit(result.status ?? 1);
    recordFingerprint(root, distDir, fingerprint);
  }
  await compileServer(root, distDir);
}
