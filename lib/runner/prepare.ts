// Preparing an app version once, shared by its instances: the bundle extracted read-only with the safe
// bundle reader, and a Python virtual environment per (Python version, requirements.txt, bundled wheels)
// built inside the sandbox, so a package's build scripts run as unprivileged as the app itself.
import { createHash, randomUUID } from 'node:crypto';
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { lstat, readdir, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import { openBundle } from '@/lib/bundle/zip-reader';
import { bundleLimits } from '@/lib/config';
import type { InstanceLog } from './logs';
import { APP_ROOT, launchSandbox, VENV_ROOT } from './sandbox';
import { RunnerError } from './types';

/** Creates `dir` (and parents) traversable but not listable by the sandbox users. */
export function ensureRunnerDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o711);
}

const extracting = new Map<string, Promise<string>>();

/** Extracts the bundle into `<root>/apps/<appVersionId>` once (files 0644, directories 0755, owned by the portal); simultaneous starts share one extraction. */
export async function extractBundle(root: string, appVersionId: string, bundlePath: string): Promise<string> {
  const target = path.join(root, 'apps', appVersionId);
  if (existsSync(target)) return target;
  let pending = extracting.get(target);
  if (!pending) {
    pending = extract(target, bundlePath).finally(() => extracting.delete(target));
    extracting.set(target, pending);
  }
  return pending;
}

async function extract(target: string, bundlePath: string): Promise<string> {
  const appsDir = path.dirname(target);
  ensureRunnerDir(appsDir);
  const tmp = path.join(appsDir, `.tmp-${path.basename(target)}-${randomUUID()}`);
  const bundle = await openBundle(bundlePath);
  try {
    mkdirSync(tmp, { mode: 0o755 });
    const limit = bundleLimits().BUNDLE_MAX_UNCOMPRESSED_BYTES;
    for (const entry of bundle.entries) {
      // The reader has refused unsafe names (.., absolute, links, collisions) before a byte is inflated.
      const dest = path.join(tmp, entry.path);
      if (entry.isDirectory) {
        mkdirSync(dest, { recursive: true, mode: 0o755 });
        continue;
      }
      mkdirSync(path.dirname(dest), { recursive: true, mode: 0o755 });
      writeFileSync(dest, await bundle.readFile(entry.path, limit), { mode: 0o644 });
    }
    chmodSync(tmp, 0o755);
    try {
      renameSync(tmp, target);
    } catch (error) {
      if (!existsSync(target)) throw error; // another process extracted it first: theirs is as good
      rmSync(tmp, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }); // processes of a killed build may still be writing
    }
    return target;
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }); // processes of a killed build may still be writing
    throw error;
  } finally {
    await bundle.close();
  }
}

/** An app version id as a directory name under `<root>/apps` (ids are UUIDs; nothing that could name another path). */
const APP_DIR_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
/** An interrupted extraction: `.tmp-<app version id>-<uuid>` (see extract). */
const EXTRACTING_NAME = /^\.tmp-(.+)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Beside `<root>/apps/<id>`: the Python environment key(s) the version's instances use, one a line (see venv-sweep.ts). */
const VENV_MARKER_SUFFIX = '.venv-key';
const VENV_MARKER_NAME = /^(.+)\.venv-key$/;

/** The file recording which environment(s) the app version extracted at `appDir` uses. */
export function venvMarkerPath(appDir: string): string {
  return `${appDir}${VENV_MARKER_SUFFIX}`;
}

/**
 * `<root>/apps` when it is a real directory: a symbolic link there (or anything else) is not followed, so a
 * removal never reaches outside RUNNER_DIR.
 */
async function appsDirOf(root: string): Promise<string | null> {
  return realDir(path.join(root, 'apps'));
}

/** `dir` when it is a real directory, not a link to one (nor anything else). */
export async function realDir(dir: string): Promise<string | null> {
  const stat = await lstat(dir).catch(() => null);
  return stat?.isDirectory() ? dir : null;
}

/**
 * Removes one entry of `<root>/apps`: a directory with everything in it (links inside are removed, never
 * followed; files of any owner go, the portal runs as root where apps have uids of their own), anything else
 * (a link) by itself.
 */
export async function removeEntry(file: string): Promise<boolean> {
  const stat = await lstat(file).catch(() => null);
  if (!stat) return false;
  if (stat.isDirectory()) await rm(file, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  else await unlink(file);
  return true;
}

/**
 * Removes the extracted bundle of an app version (`<root>/apps/<appVersionId>`) and its record of the environment
 * it used; resolves to whether there was a bundle.
 */
export async function removePreparedApp(root: string, appVersionId: string): Promise<boolean> {
  if (!APP_DIR_NAME.test(appVersionId)) throw new Error(`Not an app version id: ${JSON.stringify(appVersionId)}`);
  const apps = await appsDirOf(root);
  if (!apps) return false;
  const target = path.join(apps, appVersionId);
  await extracting.get(target)?.catch(() => undefined); // an extraction still writing would leave its result behind
  const removed = await removeEntry(target);
  await removeEntry(venvMarkerPath(target));
  return removed;
}

/**
 * Removes the extracted bundles (and interrupted extractions, and records of the environment used) of every app
 * version `inUse` says is gone; resolves to how many bundles and extractions went. `inUse` is asked at the moment
 * each entry is looked at, so a version imported meanwhile is kept. Names that are no app version's are left alone.
 */
export async function sweepPreparedApps(root: string, inUse: (appVersionId: string) => boolean): Promise<number> {
  const apps = await appsDirOf(root);
  if (!apps) return 0;
  let removed = 0;
  // Sorted, a bundle goes before its record: a sweep of environments meanwhile never sees it unrecorded.
  for (const name of (await readdir(apps)).sort()) {
    const record = VENV_MARKER_NAME.exec(name)?.[1];
    const id = APP_DIR_NAME.test(name) ? name : (record ?? EXTRACTING_NAME.exec(name)?.[1]);
    if (!id || !APP_DIR_NAME.test(id) || inUse(id)) continue;
    if ((await removeEntry(path.join(apps, name))) && !record) removed++;
  }
  return removed;
}

export interface PythonChoice {
  /** Absolute interpreter path on the host (visible in the sandbox through /usr). */
  executable: string;
  /** major.minor actually used. */
  version: string;
  /** Set when the runtime asked for a version this host does not have. */
  note: string | null;
}

const versionCache = new Map<string, string>();
function interpreterVersion(executable: string): string {
  let v = versionCache.get(executable);
  if (!v) {
    v = execFileSync(executable, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).trim();
    versionCache.set(executable, v);
  }
  return v;
}

/** Debian's interpreter for the runtime's Python version when installed, else /usr/bin/python3 with a note. */
export function choosePython(wanted: string | null): PythonChoice {
  if (wanted && /^\d+\.\d+$/.test(wanted) && existsSync(`/usr/bin/python${wanted}`)) {
    return { executable: `/usr/bin/python${wanted}`, version: wanted, note: null };
  }
  if (!existsSync('/usr/bin/python3')) {
    throw new RunnerError('NOT_RUNNABLE', 'This host has no /usr/bin/python3 (install the python3 and python3-venv packages).');
  }
  const version = interpreterVersion('/usr/bin/python3');
  const note = wanted && wanted !== version ? `The runtime version asks for Python ${wanted}; this host has Python ${version}, which is used instead.` : null;
  return { executable: '/usr/bin/python3', version, note };
}

/** Wheels anywhere in the extracted bundle, as (relative path, sha256), sorted. */
function bundledWheels(appDir: string): [string, string][] {
  const out: [string, string][] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(appDir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (e.name.endsWith('.whl')) out.push([r, createHash('sha256').update(readFileSync(path.join(appDir, r))).digest('hex')]);
    }
  };
  walk('');
  return out.sort(([a], [b]) => (a < b ? -1 : 1));
}

export function venvKey(python: string, requirements: Buffer | null, wheels: [string, string][]): string {
  const h = createHash('sha256');
  h.update(`python ${python}\n`);
  h.update(requirements ? createHash('sha256').update(requirements).digest('hex') : 'no requirements.txt');
  for (const [p, sha] of wheels) h.update(`\n${p} ${sha}`);
  return h.digest('hex').slice(0, 32);
}

/** Operator settings passed to pip: PIP_* and the proxy variables. */
export function pipEnvironment(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && (/^PIP_/.test(k) || /^(https?|no|all)_proxy$/i.test(k))) out[k] = v;
  }
  return out;
}

const building = new Map<string, Promise<string>>();

/** Whether this process is building the environment `key` (its `<key>.tmp-<uuid>` directory, or `host-<key>` itself, is being written). */
export function isBuildingVenv(key: string): boolean {
  return building.has(key);
}

/** The requirements.txt of an extracted bundle, null when it has none. */
export function requirementsOf(appDir: string): Buffer | null {
  const requirementsPath = path.join(appDir, 'requirements.txt');
  return existsSync(requirementsPath) ? readFileSync(requirementsPath) : null;
}

/** The environment directory name for an extracted bundle and Python version. */
export function venvKeyOf(appDir: string, python: string, sandboxed: boolean, requirements = requirementsOf(appDir)): string {
  // Unsandboxed environments hold their host path in scripts, so they are kept apart from /venv ones.
  return `${sandboxed ? '' : 'host-'}${venvKey(python, requirements, bundledWheels(appDir))}`;
}

export interface VenvRequest {
  root: string;
  appDir: string;
  python: PythonChoice;
  builderUid: number | null;
  operatorEnv: Record<string, string | undefined>;
  log: InstanceLog;
  /** This start's own cancellation: it stops waiting; the shared build goes on for other instances. */
  signal: AbortSignal;
  /** A build's own limit, whoever waits for it. */
  buildTimeoutMs: number;
  /** False with RUNNER_SANDBOX=off: the environment is built and used at its host path. */
  sandboxed: boolean;
  /** Told the environment's key before anything can wait: from then on the caller's use keeps it from the sweep. */
  onKey?: (key: string) => void;
}

/** The app's virtual environment directory, built once per key; concurrent starts wait for the same build. */
export async function ensureVenv(r: VenvRequest): Promise<string> {
  const requirements = requirementsOf(r.appDir);
  const key = venvKeyOf(r.appDir, r.python.version, r.sandboxed, requirements);
  r.onKey?.(key);
  // The version's record of its environment, which keeps it while the version exists (see venv-sweep.ts).
  writeFileSync(venvMarkerPath(r.appDir), `${key}\n`, { mode: 0o644 });
  const venvsDir = path.join(r.root, 'venvs');
  ensureRunnerDir(venvsDir);
  const target = path.join(venvsDir, key);
  if (r.sandboxed ? existsSync(target) : existsSync(path.join(target, COMPLETE))) {
    r.log.note(`Using the prepared Python ${r.python.version} environment ${key}.`);
    return target;
  }
  let pending = building.get(key);
  if (pending) {
    r.log.note(`Waiting for the Python environment ${key}, being built for another instance.`);
  } else {
    const build = { ...r, signal: AbortSignal.timeout(r.buildTimeoutMs) };
    pending = (r.sandboxed ? buildVenv(build, requirements !== null, target) : buildHostVenv(build, requirements !== null, target)).finally(() => building.delete(key));
    pending.catch(() => {}); // every waiter gets the failure; an abandoned build's is not unhandled
    building.set(key, pending);
  }
  return untilAborted(pending, r.signal);
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new RunnerError('STOPPED', 'Installing dependencies was interrupted.'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new RunnerError('STOPPED', 'Installing dependencies was interrupted.'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

async function buildVenv(r: VenvRequest, hasRequirements: boolean, target: string): Promise<string> {
  const tmp = `${target}.tmp-${randomUUID()}`;
  mkdirSync(tmp, { mode: 0o755 });
  if (r.builderUid !== null) chownSync(tmp, r.builderUid, r.builderUid);
  const py = r.python.executable;
  const script = hasRequirements
    ? `set -e\n${py} -m venv ${VENV_ROOT}\n${VENV_ROOT}/bin/python -m pip install --no-input --disable-pip-version-check --no-warn-script-location -r requirements.txt --find-links ${APP_ROOT}\n`
    : `set -e\n${py} -m venv --without-pip ${VENV_ROOT}\n`;
  r.log.note(hasRequirements ? `Installing requirements.txt into a new Python ${r.python.version} environment (pip output follows).` : `No requirements.txt: creating an empty Python ${r.python.version} environment.`);
  try {
    const sandbox = await launchSandbox({
      hostname: 'prepare',
      uid: r.builderUid,
      appDir: r.appDir,
      venv: { dir: tmp, writable: true },
      volume: null,
      files: [],
      env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/tmp', LANG: 'C.UTF-8', ...pipEnvironment(r.operatorEnv) },
      command: ['/bin/sh', '-c', script],
      cwd: APP_ROOT,
      forwardPorts: [],
      cgroup: null,
      onOutput: (b) => r.log.write(b),
    });
    const onAbort = () => void sandbox.kill(0);
    r.signal.addEventListener('abort', onAbort);
    const { code, signal } = await sandbox.exited;
    r.signal.removeEventListener('abort', onAbort);
    if (r.signal.aborted) throw new RunnerError('START_TIMEOUT', 'Installing dependencies took longer than the start timeout.', r.log.lastLines());
    if (code !== 0) {
      throw new RunnerError('PREPARE_FAILED', `Installing dependencies failed (${signal ? `signal ${signal}` : `exit code ${code}`}); pip's output is in the instance log.`, r.log.lastLines());
    }
    if (r.builderUid !== null) chownTree(tmp, 0); // from now on nobody but the portal may change it
    try {
      renameSync(tmp, target);
    } catch (error) {
      if (!existsSync(target)) throw error;
      rmSync(tmp, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }); // processes of a killed build may still be writing
    }
    r.log.note('Dependencies installed.');
    return target;
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }); // processes of a killed build may still be writing
    throw error;
  }
}

const COMPLETE = '.appstore-complete';

/** RUNNER_SANDBOX=off: python -m venv and pip at the environment's final host path, as the builder uid. */
async function buildHostVenv(r: VenvRequest, hasRequirements: boolean, target: string): Promise<string> {
  rmSync(target, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  mkdirSync(target, { mode: 0o755 });
  if (r.builderUid !== null) chownSync(target, r.builderUid, r.builderUid);
  const run = (args: string[]) =>
    new Promise<void>((resolve, reject) => {
      const options: SpawnOptions = {
        cwd: r.appDir,
        env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: target, LANG: 'C.UTF-8', ...pipEnvironment(r.operatorEnv) } as unknown as NodeJS.ProcessEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
      };
      if (r.builderUid !== null) Object.assign(options, { uid: r.builderUid, gid: r.builderUid });
      const child: ChildProcess = spawn(args[0], args.slice(1), options);
      child.stdout!.on('data', (b: Buffer) => r.log.write(b));
      child.stderr!.on('data', (b: Buffer) => r.log.write(b));
      const onAbort = () => child.kill('SIGKILL');
      r.signal.addEventListener('abort', onAbort);
      child.on('error', reject);
      child.on('exit', (code, signal) => {
        r.signal.removeEventListener('abort', onAbort);
        if (r.signal.aborted) reject(new RunnerError('START_TIMEOUT', 'Installing dependencies took longer than the start timeout.', r.log.lastLines()));
        else if (code === 0) resolve();
        else reject(new RunnerError('PREPARE_FAILED', `Installing dependencies failed (${signal ? `signal ${signal}` : `exit code ${code}`}); pip's output is in the instance log.`, r.log.lastLines()));
      });
    });
  r.log.note(`Installing into ${hasRequirements ? 'a new' : 'an empty'} Python ${r.python.version} environment, without the sandbox (RUNNER_SANDBOX=off).`);
  try {
    await run([r.python.executable, '-m', 'venv', ...(hasRequirements ? [] : ['--without-pip']), target]);
    if (hasRequirements) {
      await run([path.join(target, 'bin', 'python'), '-m', 'pip', 'install', '--no-input', '--disable-pip-version-check', '--no-warn-script-location', '-r', 'requirements.txt', '--find-links', r.appDir]);
    }
    if (r.builderUid !== null) chownTree(target, 0);
    writeFileSync(path.join(target, COMPLETE), '');
    r.log.note('Dependencies installed.');
    return target;
  } catch (error) {
    rmSync(target, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    throw error;
  }
}

function chownTree(dir: string, uid: number): void {
  chownSync(dir, uid, uid);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) chownTree(p, uid);
    else if (e.isSymbolicLink()) {
      /* lchown not needed: links' own owner is irrelevant */
    } else chownSync(p, uid, uid);
  }
}
