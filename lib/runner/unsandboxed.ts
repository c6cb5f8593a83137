// RUNNER_SANDBOX=off, set explicitly by an operator: instances run as plain processes (still under their
// own unprivileged uid when the portal is root, still in cgroups), with no namespaces. The app sees the
// host's files and network; the admin page warns. Relative [[File]]s go into a per-instance copy of the
// app's tree made of symbolic links; absolute ones and VolumeMount need the sandbox.
import { spawn, type SpawnOptions } from 'node:child_process';
import { chownSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
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
  const options: SpawnOptions = { cwd: o.workDir, env: o.env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true };
  if (o.uid !== null) Object.assign(options, { uid: o.uid, gid: o.uid });
  const child = spawn(o.command[0], o.command.slice(1), options);
  child.stdout!.on('data', o.onOutput);
  child.stderr!.on('data', o.onOutput);
  const exited = new Promise<SandboxExit>((resolve) => {
    child.on('error', (error) => {
      o.onOutput(Buffer.from(`${o.command[0]}: ${error.message}\n`));
      resolve({ code: null, signal: null });
    });
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  void exited.then(() => rmSync(o.workDir, { recursive: true, force: true }));
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
