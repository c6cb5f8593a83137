// The local runner: app instances as sandboxed processes on this machine (see README "Running apps: the
// local runner"). Prepares each app version once, starts, supervises, stops and forgets instances.
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { config } from '@/lib/config';
import { assertNotRenderWorker } from '@/lib/render/role';
import { createInstanceCgroup, detectCgroups, type InstanceCgroup, type ResourceUsage } from './cgroups';
import { bwrapPath, localRunnerConfig, slirp4netnsPath, type LocalRunnerConfig } from './config';
import { blockedNetworks, gpuCount, waitForHttp } from './host';
import { appFilePath, instanceCommand, instanceEnvironment, unrunnableReason } from './instance-env';
import { InstanceLog } from './logs';
import { missingPackages, parsePackagesTxt } from './packages';
import { missingPackagesReason } from './runnable';
import { choosePython, ensureRunnerDir, ensureVenv, extractBundle, removePreparedApp, sweepPreparedApps } from './prepare';
import { APP_ROOT, GUEST_ADDRESS, launchSandbox, VENV_ROOT, type SandboxFile, type SandboxHandle } from './sandbox';
import { freePort } from './slirp';
import {
  RunnerError,
  type InstanceLogs,
  type InstanceSpec,
  type Runner,
  type RunnerCapabilities,
  type RunningInstance,
  type Stage,
  type StartHooks,
  type UpstreamEndpoint,
} from './types';
import { launchUnsandboxed, reapLeftovers } from './unsandboxed';
import { sweepVenvs } from './venv-sweep';
import { WAVE_APP_PORT, WAVE_SERVER_PORT } from './wave';

const DEFAULT_PYTHON_PORT = 8080;

const STAGE_MESSAGES: Record<Stage, string> = {
  SOURCING: 'Sourcing the app bundle',
  INSTALLING: 'Installing dependencies',
  STARTING: 'Starting the app',
  DEPLOYED: 'Running',
  FAILED: 'Failed',
};

interface Live {
  spec: InstanceSpec;
  abort: AbortController;
  sandbox: SandboxHandle | null;
  cgroup: InstanceCgroup | null;
  endpoint: UpstreamEndpoint | null;
  stopping: boolean;
  /** Settles when start() has finished, either way. */
  started: Promise<unknown>;
  /** The Python environment it uses (RUNNER_DIR/venvs/<key>), from the moment its start resolves one. */
  venvKey: string | null;
}

export interface LocalRunnerOptions extends Partial<LocalRunnerConfig> {
  /** PIP_* and proxy settings for pip (default: the configuration's). */
  operatorEnv?: Record<string, string | undefined>;
}

export class LocalRunner implements Runner {
  readonly config: LocalRunnerConfig;
  private readonly operatorEnv: Record<string, string | undefined>;
  private readonly live = new Map<string, Live>();
  private readonly logsById = new Map<string, InstanceLog>();
  private probe: Promise<string | null> | undefined;

  constructor(options: LocalRunnerOptions = {}) {
    assertNotRenderWorker('runs instances');
    const { operatorEnv, ...overrides } = options;
    this.config = { ...localRunnerConfig(), ...overrides };
    this.operatorEnv = operatorEnv ?? config().runner.pipEnv;
    ensureRunnerDir(this.config.dir);
    // What a portal killed with SIGKILL left of RUNNER_SANDBOX=off instances (sandboxes die with their portal).
    reapLeftovers(this.config.dir);
  }

  /** Whether the portal may run processes as other uids (it is root); otherwise apps keep the portal's uid. */
  private get switchesUser(): boolean {
    return process.getuid?.() === 0;
  }

  instanceUid(instanceId: string): number | null {
    if (!this.switchesUser) return null;
    let h = 0x811c9dc5;
    for (const c of instanceId) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
    return this.config.uidBase + 1 + (h % (this.config.uidCount - 1));
  }

  private get builderUid(): number | null {
    return this.switchesUser ? this.config.uidBase : null;
  }

  /** Null when the sandbox works, else why not (checked once by starting a real one). */
  sandboxProblem(): Promise<string | null> {
    this.probe ??= this.probeSandbox();
    return this.probe;
  }

  private async probeSandbox(): Promise<string | null> {
    if (this.config.sandbox === 'off') return 'RUNNER_SANDBOX=off';
    for (const [bin, pkg] of [
      [bwrapPath(), 'bubblewrap'],
      [slirp4netnsPath(), 'slirp4netns'],
    ]) {
      if (!existsSync(bin)) return `${bin} is missing: install the ${pkg} package (npm test does it through scripts/ensure-runner.mjs).`;
    }
    if (!this.switchesUser && process.getuid?.() === 0) return 'the portal runs as root but cannot switch users';
    const probeDir = path.join(this.config.dir, 'probe');
    ensureRunnerDir(probeDir);
    mkdirSync(path.join(probeDir, 'app'), { recursive: true });
    mkdirSync(path.join(probeDir, 'venv'), { recursive: true });
    const output: Buffer[] = [];
    try {
      const sandbox = await launchSandbox({
        hostname: 'probe',
        uid: this.builderUid,
        appDir: path.join(probeDir, 'app'),
        venv: { dir: path.join(probeDir, 'venv'), writable: false },
        volume: null,
        files: [],
        env: { PATH: '/usr/bin:/bin' },
        command: ['/bin/true'],
        cwd: APP_ROOT,
        forwardPorts: [],
        cgroup: null,
        onOutput: (b) => output.push(b),
      });
      const { code } = await sandbox.exited;
      if (code !== 0) return `a test sandbox failed (exit code ${code}): ${Buffer.concat(output).toString().trim() || 'no output'}`;
      return null;
    } catch (error) {
      return `a test sandbox could not be started: ${(error as Error).message} ${Buffer.concat(output).toString().trim()}`.trim();
    }
  }

  async capabilities(): Promise<RunnerCapabilities> {
    const problem = await this.sandboxProblem();
    const off = this.config.sandbox === 'off';
    const cg = detectCgroups();
    const gpus = gpuCount();
    return {
      runner: 'local',
      sandbox: { enabled: problem === null, unavailableReason: off ? null : problem, disabledByOperator: off },
      resources: { memory: cg.memory, cpu: cg.cpu, cgroupVersion: cg.version, note: cg.note },
      gpu: { available: gpus > 0, count: gpus },
      // Without the sandbox, apps use the host's network as they are.
      egress: this.config.egress || off,
    };
  }

  private log(instanceId: string): InstanceLog {
    let log = this.logsById.get(instanceId);
    if (!log) {
      log = new InstanceLog(path.join(this.config.dir, 'logs', `${instanceId}.log`), this.config.logBytes);
      this.logsById.set(instanceId, log);
    }
    return log;
  }

  logs(instanceId: string): InstanceLogs {
    return this.log(instanceId);
  }

  endpoint(instanceId: string): UpstreamEndpoint | null {
    return this.live.get(instanceId)?.endpoint ?? null;
  }

  usage(instanceId: string): ResourceUsage | null {
    const entry = this.live.get(instanceId);
    return entry?.endpoint && entry.cgroup ? entry.cgroup.usage() : null;
  }

  async start(spec: InstanceSpec, hooks: StartHooks = {}): Promise<RunningInstance> {
    if (this.live.has(spec.instanceId)) throw new RunnerError('ALREADY_RUNNING', 'The instance is already running or starting.');
    const abort = new AbortController();
    const entry: Live = { spec, abort, sandbox: null, cgroup: null, endpoint: null, stopping: false, started: Promise.resolve(), venvKey: null };
    this.live.set(spec.instanceId, entry);
    const log = this.log(spec.instanceId);
    const stage = (s: Stage, reason?: string) => {
      if (s !== 'FAILED') log.note(STAGE_MESSAGES[s]);
      hooks.onStage?.({ instanceId: spec.instanceId, stage: s, at: new Date(), message: STAGE_MESSAGES[s], reason });
    };
    const timer = setTimeout(() => abort.abort(new RunnerError('START_TIMEOUT', `The app did not answer within ${Math.round(this.config.startTimeoutMs / 1000)} s of starting (dependency installation included).`)), this.config.startTimeoutMs);
    const run = this.startSteps(entry, log, stage, hooks);
    entry.started = run.catch(() => {});
    try {
      return await run;
    } catch (error) {
      const failure = entry.stopping
        ? new RunnerError('STOPPED', 'The instance was stopped while starting.')
        : abort.signal.reason instanceof RunnerError
          ? abort.signal.reason
          : error instanceof RunnerError
            ? error
            : new RunnerError('START_FAILED', `The instance could not be started: ${(error as Error).message}`);
      await entry.sandbox?.kill(0);
      await entry.cgroup?.remove();
      this.live.delete(spec.instanceId);
      log.note(`Start failed: ${failure.message}`);
      const out = new RunnerError(failure.code, failure.message, log.lastLines());
      stage('FAILED', out.message);
      throw out;
    } finally {
      clearTimeout(timer);
    }
  }

  private async startSteps(entry: Live, log: InstanceLog, stage: (s: Stage, reason?: string) => void, hooks: StartHooks): Promise<RunningInstance> {
    const { spec } = entry;
    const signal = entry.abort.signal;
    const check = () => {
      if (signal.aborted) throw signal.reason instanceof RunnerError ? signal.reason : new RunnerError('STOPPED', 'The instance was stopped while starting.');
    };
    const refusal = unrunnableReason(spec, this.config.sandbox, gpuCount());
    if (refusal) throw new RunnerError('NOT_RUNNABLE', refusal);
    const sandboxed = this.config.sandbox === 'on';
    const problem = sandboxed ? await this.sandboxProblem() : null;
    if (problem) throw new RunnerError('SANDBOX_UNAVAILABLE', `Apps cannot run on this host: the sandbox is unavailable (${problem}).`);

    stage('SOURCING');
    const appDir = await extractBundle(this.config.dir, spec.appVersionId, spec.bundlePath);
    check();
    const packagesTxt = path.join(appDir, 'packages.txt');
    if (existsSync(packagesTxt)) {
      const missing = await missingPackages(parsePackagesTxt(readFileSync(packagesTxt, 'utf8')));
      if (missing.length) {
        throw new RunnerError('NOT_RUNNABLE', missingPackagesReason(missing)!);
      }
    }

    stage('INSTALLING');
    const python = choosePython(spec.pythonVersion);
    if (python.note) log.note(python.note);
    const venv = await ensureVenv({ root: this.config.dir, appDir, python, builderUid: this.builderUid, operatorEnv: this.operatorEnv, log, signal, buildTimeoutMs: this.config.startTimeoutMs, sandboxed, onKey: (key) => (entry.venvKey = key) });
    check();

    stage('STARTING');
    const wave = spec.runtime.appMode === 'wave';
    if (wave && !existsSync(path.join(venv, 'waved')) && !existsSync(path.join(venv, 'bin', 'waved'))) {
      throw new RunnerError('NOT_RUNNABLE', 'No Wave server found: the app\'s environment has no waved. Add h2o-wave to requirements.txt, or set Runtime.AppMode = "python" for an app that serves HTTP itself.');
    }
    const uid = this.instanceUid(spec.instanceId);
    entry.cgroup = this.cgroupFor(spec, log);
    log.note(`Environment: ${[...spec.env.map((e) => (e.secret ? `${e.name} (secret)` : e.name))].join(', ') || 'no [[Env]] entries'}; files: ${spec.files.map((f) => f.path).join(', ') || 'none'}.`);
    let sandbox: SandboxHandle;
    let endpoint: UpstreamEndpoint;
    let readinessPorts: number[];
    if (sandboxed) {
      // Private network: fixed ports inside, forwarded to ephemeral 127.0.0.1 ports outside.
      const guestPort = wave ? WAVE_SERVER_PORT : (spec.runtime.port ?? DEFAULT_PYTHON_PORT);
      const volume = spec.runtime.volumeMount ? this.volumeDir(spec.instanceId, uid) : null;
      sandbox = await launchSandbox({
        hostname: spec.instanceId.slice(0, 63),
        uid,
        appDir,
        venv: { dir: venv, writable: false },
        volume: volume && spec.runtime.volumeMount ? { dir: volume, target: spec.runtime.volumeMount } : null,
        files: spec.files.map((f): SandboxFile => ({ path: appFilePath(f.path), content: f.value, secret: f.secret })),
        env: instanceEnvironment(spec, VENV_ROOT, wave ? { listen: `:${WAVE_SERVER_PORT}`, server: `127.0.0.1:${WAVE_SERVER_PORT}`, app: `${GUEST_ADDRESS}:${WAVE_APP_PORT}` } : null),
        command: instanceCommand(spec, VENV_ROOT),
        cwd: APP_ROOT,
        // A Wave app is up when waved answers HTTP and the app server (which registers with waved on start) accepts connections.
        forwardPorts: wave ? [guestPort, WAVE_APP_PORT] : [guestPort],
        egress: this.config.egress,
        blockedNetworks: blockedNetworks(this.config.reachHost ?? false),
        cgroup: entry.cgroup,
        onOutput: (b) => log.write(b),
      });
      endpoint = { host: '127.0.0.1', port: sandbox.hostPorts[0] };
      readinessPorts = sandbox.hostPorts.slice(1);
    } else {
      // The host's network: a python app binds its declared port; Wave gets free ports through its variables.
      const [serverPort, appPort] = wave ? [await freePort(), await freePort()] : [spec.runtime.port ?? DEFAULT_PYTHON_PORT, 0];
      sandbox = await launchUnsandboxed({
        uid,
        workDir: path.join(this.config.dir, 'instances', spec.instanceId),
        appDir,
        files: spec.files.map((f): SandboxFile => ({ path: path.posix.normalize(f.path), content: f.value, secret: f.secret })),
        env: instanceEnvironment(spec, venv, wave ? { listen: `127.0.0.1:${serverPort}`, server: `127.0.0.1:${serverPort}`, app: `127.0.0.1:${appPort}` } : null),
        command: instanceCommand(spec, venv),
        cgroup: entry.cgroup,
        onOutput: (b) => log.write(b),
        processRecord: path.join(this.config.dir, 'processes', `${spec.instanceId}.json`),
      });
      endpoint = { host: '127.0.0.1', port: serverPort };
      readinessPorts = wave ? [appPort] : [];
    }
    entry.sandbox = sandbox;
    check();
    let exitedEarly = false;
    const early = sandbox.exited.then((e) => {
      exitedEarly = true;
      return e;
    });
    await Promise.race([
      (async () => {
        await waitForHttp(endpoint, spec.baseUrl, signal, () => exitedEarly);
        for (const port of readinessPorts) await waitForHttp({ host: '127.0.0.1', port }, '/', signal, () => exitedEarly);
      })(),
      early.then((e) => {
        throw new RunnerError('START_FAILED', `The app exited before answering HTTP (${describeExit(e)}).`);
      }),
      new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true })),
    ]);
    check();
    entry.endpoint = endpoint;
    log.note(`Answering HTTP at ${endpoint.host}:${endpoint.port}${sandboxed ? ' (forwarded into the sandbox)' : ''}.`);
    stage('DEPLOYED');
    void sandbox.exited.then(async (e) => {
      if (entry.stopping || this.live.get(spec.instanceId) !== entry) return;
      this.live.delete(spec.instanceId);
      await entry.cgroup?.remove();
      log.note(`The app exited (${describeExit(e)}).`);
      hooks.onExit?.({ instanceId: spec.instanceId, exitCode: e.code, signal: e.signal, lastLines: log.lastLines() });
    });
    return { instanceId: spec.instanceId, endpoint, enforced: entry.cgroup?.enforced ?? { memory: false, cpu: false } };
  }

  private volumeDir(instanceId: string, uid: number | null): string {
    const root = path.join(this.config.dir, 'volumes');
    ensureRunnerDir(root);
    const dir = path.join(root, instanceId);
    if (!existsSync(dir)) {
      mkdirSync(dir, { mode: 0o700 });
      if (uid !== null) chownSync(dir, uid, uid);
    }
    return dir;
  }

  private cgroupFor(spec: InstanceSpec, log: InstanceLog): InstanceCgroup | null {
    const { memoryLimit, cpuLimit } = spec.runtime;
    // A group for every instance where the host allows one: limits where set, usage accounting always.
    const support = detectCgroups();
    if (!memoryLimit && !cpuLimit && !support.memory && !support.cpu) return null;
    try {
      const cg = createInstanceCgroup(spec.instanceId, { memoryLimit, cpuLimit });
      const not = [memoryLimit && !cg.enforced.memory && 'MemoryLimit', cpuLimit && !cg.enforced.cpu && 'CPULimit'].filter(Boolean);
      if (not.length) log.note(`${not.join(' and ')} not enforced on this host: ${detectCgroups().note ?? 'no cgroup controller available'}`);
      return cg;
    } catch (error) {
      log.note(`Resource limits not enforced: ${(error as Error).message}`);
      return null;
    }
  }

  async stop(instanceId: string): Promise<void> {
    const entry = this.live.get(instanceId);
    if (!entry) return;
    entry.stopping = true;
    entry.abort.abort();
    await entry.sandbox?.kill();
    await entry.started;
    await entry.cgroup?.remove();
    if (this.live.get(instanceId) === entry) this.live.delete(instanceId);
    this.log(instanceId).note('Stopped.');
  }

  async terminate(instanceId: string): Promise<void> {
    await this.stop(instanceId);
    rmSync(path.join(this.config.dir, 'volumes', instanceId), { recursive: true, force: true });
    this.log(instanceId).remove();
    this.logsById.delete(instanceId);
  }

  async shutdown(): Promise<void> {
    await Promise.all([...this.live.keys()].map((id) => this.stop(id)));
  }

  async forgetAppVersion(appVersionId: string): Promise<void> {
    await removePreparedApp(this.config.dir, appVersionId);
    await this.sweepVenvs();
  }

  async forgetAppVersionsExcept(inUse: (appVersionId: string) => boolean): Promise<{ appVersions: number; environments: number }> {
    const appVersions = await sweepPreparedApps(this.config.dir, inUse);
    const { environments } = await this.sweepVenvs();
    return { appVersions, environments };
  }

  /** Removes the Python environments neither a prepared app version nor a live instance uses (see venv-sweep.ts). */
  private sweepVenvs() {
    return sweepVenvs(this.config.dir, (key) => [...this.live.values()].some((entry) => entry.venvKey === key));
  }
}

function describeExit(e: { code: number | null; signal: string | null }): string {
  return e.signal ? `signal ${e.signal}` : `exit code ${e.code}`;
}
