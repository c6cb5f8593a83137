// Removing the shared Python environments (RUNNER_DIR/venvs/<key>) nothing needs any more. An environment is
// needed while this process builds it, while a live instance uses it, and while an app version that is still
// prepared (RUNNER_DIR/apps/<id>, kept as long as the version or an instance of it exists) records it as its
// own in RUNNER_DIR/apps/<id>.venv-key (written by ensureVenv, removed with the extracted bundle).
import { randomUUID } from 'node:crypto';
import { closeSync, constants, existsSync, fstatSync, lstatSync, openSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { choosePython, isBuildingVenv, realDir, removeEntry, venvKeyOf, venvMarkerPath } from './prepare';

const KEY = '(?:host-)?[0-9a-f]{32}';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const ENVIRONMENT_NAME = new RegExp(`^(${KEY})$`);
/** A sandboxed build's directory before it is renamed into place (see buildVenv). */
const BUILDING_NAME = new RegExp(`^(${KEY})\\.tmp-${UUID}$`);
/** An environment this sweep took out of use, removed after it (or by the next sweep, after a crash). */
const REMOVING_NAME = new RegExp(`^(${KEY})\\.removing-${UUID}$`);
const KEY_LINE = new RegExp(`^${KEY}$`);
/** An extracted bundle's directory name (an app version id), as in prepare.ts. */
const APP_DIR_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export interface VenvSweep {
  /** Environments removed. */
  environments: number;
  /** Leftovers removed: build directories of builds that are over (a crash) and removals a crash interrupted. */
  leftovers: number;
}

/**
 * Removes every environment under `<root>/venvs` that is not being built, not used by a live instance (`inUse`,
 * asked at the moment of the decision) and not recorded by a prepared app version; and the leftovers of builds
 * that are over. Names it does not know are left alone, and nothing is followed out of RUNNER_DIR.
 */
export function sweepVenvs(root: string, inUse: (key: string) => boolean): Promise<VenvSweep> {
  // One at a time: two sweeps would race to remove the same directories.
  const next = queue.then(() => sweep(root, inUse));
  queue = next.catch(() => undefined);
  return next;
}
let queue: Promise<unknown> = Promise.resolve();

async function sweep(root: string, inUse: (key: string) => boolean): Promise<VenvSweep> {
  const result: VenvSweep = { environments: 0, leftovers: 0 };
  const venvs = await realDir(path.join(root, 'venvs'));
  if (!venvs) return result;
  const names = await readdir(venvs);
  if (names.length === 0) return result;
  // From the reading of the records to the renames nothing waits, so no start picks an environment in between:
  // one that starts after finds it gone and builds it again.
  const recorded = recordedVenvKeys(root);
  const doomed: string[] = [];
  for (const name of names) {
    const environment = ENVIRONMENT_NAME.exec(name)?.[1];
    const build = BUILDING_NAME.exec(name)?.[1];
    if (REMOVING_NAME.test(name)) {
      doomed.push(name);
      result.leftovers++;
      continue;
    }
    const key = environment ?? build;
    if (!key || isBuildingVenv(key)) continue;
    if (environment && (inUse(key) || recorded.has(key))) continue;
    const removing = `${key}.removing-${randomUUID()}`;
    try {
      renameSync(path.join(venvs, name), path.join(venvs, removing)); // a link is renamed itself, never followed
    } catch {
      continue; // gone meanwhile
    }
    doomed.push(removing);
    if (environment) result.environments++;
    else result.leftovers++;
  }
  for (const name of doomed) await removeEntry(path.join(venvs, name));
  return result;
}

/**
 * The keys recorded beside the prepared app versions. A version prepared before the records existed gets one now,
 * listing every key it could use on this host (each installed Python, with and without the sandbox), so that no
 * environment it would use goes.
 */
function recordedVenvKeys(root: string): Set<string> {
  const apps = path.join(root, 'apps');
  const keys = new Set<string>();
  if (!lstatSync(apps, { throwIfNoEntry: false })?.isDirectory()) return keys;
  const names = readdirSync(apps);
  const present = new Set(names);
  for (const name of names) {
    if (APP_DIR_NAME.test(name) && !present.has(`${name}.venv-key`)) {
      const appDir = path.join(apps, name);
      if (!lstatSync(appDir, { throwIfNoEntry: false })?.isDirectory()) continue;
      let keys: string[];
      try {
        keys = possibleKeys(appDir);
      } catch (error) {
        if (!existsSync(appDir)) continue; // removed meanwhile: it needs nothing
        throw error;
      }
      writeFileSync(venvMarkerPath(appDir), keys.map((k) => `${k}\n`).join(''), { mode: 0o644 });
    }
  }
  for (const name of readdirSync(apps)) {
    if (!name.endsWith('.venv-key')) continue;
    for (const line of readNoFollow(path.join(apps, name)).split('\n')) if (KEY_LINE.test(line)) keys.add(line);
  }
  return keys;
}

function possibleKeys(appDir: string): string[] {
  const versions = new Set<string>();
  for (const name of readdirSync('/usr/bin')) {
    const m = /^python(\d+\.\d+)$/.exec(name);
    if (m) versions.add(m[1]);
  }
  if (existsSync('/usr/bin/python3')) versions.add(choosePython(null).version);
  return [...versions].flatMap((v) => [venvKeyOf(appDir, v, true), venvKeyOf(appDir, v, false)]);
}

/** A regular file's text, '' for anything else (a link is not followed). */
function readNoFollow(file: string): string {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return '';
  }
  try {
    return fstatSync(fd).isFile() ? readFileSync(fd, 'utf8') : '';
  } finally {
    closeSync(fd);
  }
}
