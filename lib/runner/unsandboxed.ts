// RUNNER_SANDBOX=off, set explicitly by an operator: instances run as plain processes (still under their
// own unprivileged uid when the portal is root, still in cgroups), with no namespaces. The app sees the
// host's files and network; the admin page warns. Relative [[File]]s go into a per-instance copy of the
// app's tree made of symbolic links; absolute ones and VolumeMount need the sandbox.
// Without the sandbox's --die-with-parent, an app could outlive a portal killed with SIGKILL (keeping its port,
// its secret [[File]]s staying on disk): each app is started through `setpriv --pdeathsig KILL` where available,
// its process group is recorded in RUNNER_DIR/processes, and `reapLeftovers` kills what a dead portal left and
// deletes its working trees when the runner starts.
import { spawn, type SpawnOptions } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { InstanceCgroup } from './cgroups';
import type { SandboxExit, SandboxFile, SandboxHandle } from './sandbox';

export interface UnsandboxedOptions {
  uid: number | null;
  /** The instance's working tree, recreated on every start. */
  workDir: string;
  appDir: string;
  /** Paths relative to the app's root. */
  files: SandboxFile[];
  env: Record<string, string>;
  command: string[];
  cgroup: InstanceCgroup | null;
  onOutput: (chunk: Buffer) => void;
  /** Where the process group is recorded while it runs (RUNNER_DIR/processes/<id>.json). */
  processRecord: string;
}

const SETPRIV = '/usr/bin/setpriv';

/** A running unsandboxed app, as recorded on disk: enough to find it again after the portal died. */
interface ProcessRecord {
  /** Process group id (the app's first process, started as a group leader). */
  pgid: number;
  /** Its start time in clock ticks since boot (/proc/<pid>/stat field 22): a reused pid does not match. */
  startTime: string;
  /** The portal process that started it, and its start time. */
  owner: number;
  ownerStartTime: string;
  workDir: string;
}

/** Start time of a live process (clock ticks since boot), or null when there is none (or only its zombie). */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses) start at the last ')': state, …
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' || fields[0] === 'X' ? null : (fields[19] ?? null);
  } catch {
    return null;
  }
}

function readRecord(file: string): ProcessRecord | null {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as ProcessRecord;
    return Number.isInteger(r.pgid) && r.pgid > 1 && Number.isInteger(r.owner) && typeof r.workDir === 'string' ? r : null;
  } catch {
    return null;
  }
}

/**
 * Kills the process groups of unsandboxed apps whose portal is gone (after a `kill -9`), and deletes working
 * trees (with their [[File]]s, secrets included) that no live portal owns. Records of a live portal — this
 * process, or another one sharing RUNNER_DIR — are left alone. Returns the process groups killed.
 */
export function reapLeftovers(runnerDir: string): number[] {
  const recordsDir = path.join(runnerDir, 'processes');
  const killed: number[] = [];
  const kept = new Set<string>();
  for (const name of existsSync(recordsDir) ? readdirSync(recordsDir) : []) {
    const file = path.join(recordsDir, name);
    const record = readRecord(file);
    if (record && processStartTime(record.owner) === record.ownerStartTime) {
      kept.add(path.resolve(record.workDir));
      continue;
    }
    if (record) {
      const leader = processStartTime(record.pgid);
      // The leader's pid now belongs to another process: the group is gone (Linux reuses no live group id).
      // No process with that pid: members of the group may live on (forked children); kill them.
      if (leader === record.startTime || leader === null) {
        try {
          process.kill(-record.pgid, 'SIGKILL');
          killed.push(record.pgid);
        } catch {
          /* no such group left */
        }
      }
    }
    rmSync(file, { force: true });
  }
  const instancesDir = path.join(runnerDir, 'instances');
  for (const name of existsSync(instancesDir) ? readdirSync(instancesDir) : []) {
    const dir = path.resolve(instancesDir, name);
    if (!kept.has(dir)) rmSync(dir, { recursive: true, force: true });
  }
  return killed;
}

/** Mirrors `appDir` into `workDir` with symbolic links, splitting directories where a file goes inside. */
export function linkTree(appDir: string, workDir: string, relTargets: readonly string[]): void {
  const walk = (rel: string) => {
    mkdirSync(path.join(workDir, rel), { recursive: true, mode: 0o755 });
    for (const name of readdirSync(path.join(appDir, rel))) {
      const entryRel = rel ? `${rel}/${name}` : name;
      if (relTargets.includes(entryRel)) continue;
      const host = path.join(appDir, entryRel);
      if (relTargets.some((t) => t.startsWith(`${entryRel}/`)) && statSync(host).isDirectory()) walk(entryRel);
      else symlinkSync(host, path.join(workDir, entryRel));
    }
  };
  walk('');
}

export async function launchUnsandboxed(o: UnsandboxedOptions): Promise<SandboxHandle> {
  rmSync(o.workDir, { recursive: true, force: true });
  linkTree(o.appDir, o.workDir, o.files.map((f) => f.path));
  for (const f of o.files) {
    const dest = path.join(o.workDir, f.path);
    mkdirSync(path.dirname(dest), { recursive: true, mode: 0o755 });
    writeFileSync(dest, f.content, { mode: f.secret ? 0o400 : 0o444 });
    if (o.uid !== null) chownSync(dest, o.uid, o.uid);
  }
  // Its own process group (detached), so a stop reaches everything the app forked; SIGKILL when the portal dies.
  const options: SpawnOptions = { cwd: o.workDir, env: o.env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true };
  if (o.uid !== null) Object.assign(options, { uid: o.uid, gid: o.uid });
  const command = existsSync(SETPRIV) ? [SETPRIV, '--pdeathsig', 'KILL', '--', ...o.command] : o.command;
  const child = spawn(command[0], command.slice(1), options);
  if (child.pid) {
    mkdirSync(path.dirname(o.processRecord), { recursive: true, mode: 0o700 });
    const record: ProcessRecord = {
      pgid: child.pid,
      startTime: processStartTime(child.pid) ?? '',
      owner: process.pid,
      ownerStartTime: processStartTime(process.pid) ?? '',
      workDir: o.workDir,
    };
    writeFileSync(o.processRecord, JSON.stringify(record), { mode: 0o600 });
  }
  child.stdout!.on('data', o.onOutput);
  child.stderr!.on('data', o.onOutput);
  const exited = new Promise<SandboxExit>((resolve) => {
    child.on('error', (error) => {
      o.onOutput(Buffer.from(`${o.command[0]}: ${error.message}\n`));
      resolve({ code: null, signal: null });
    });
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  void exited.then(() => {
    rmSync(o.workDir, { recursive: true, force: true });
    rmSync(o.processRecord, { force: true });
  });
  if (child.pid) o.cgroup?.addProcess(child.pid);
  const group = (sig: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, sig);
    } catch {
      /* already gone */
    }
  };
  return {
    hostPorts: [],
    exited,
    async kill(graceMs = 3000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      group('SIGTERM');
      const timer = setTimeout(() => group('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      group('SIGKILL'); // anything the app left behind in its process group
      return result;
    },
  };
}
