// One sandboxed process tree: bubblewrap (user, PID, network, IPC, UTS and mount namespaces) started as an
// unprivileged host uid, with slirp4netns giving its private network outbound access and forwarding the
// app's port to an ephemeral 127.0.0.1 port. Files reach the sandbox through pipes, never the host disk.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { bwrapPath } from './config';
import type { InstanceCgroup } from './cgroups';
import { startSlirp, type SlirpNetwork } from './slirp';


export const APP_ROOT = '/app';
/** The sandbox's own address on its slirp4netns network (10.0.2.0/24, slirp's default); forwarded ports reach it there. */
export const GUEST_ADDRESS = '10.0.2.100';
export const VENV_ROOT = '/venv';


/** Host /etc entries an app may need (TLS roots, time zone, dynamic linker, Debian alternatives); the rest of /etc stays hidden. */
const ETC_ENTRIES = [
  'ssl',
  'ca-certificates',
  'ca-certificates.conf',
  'pki',
  'alternatives',
  'localtime',
  'timezone',
  'mime.types',
  'nsswitch.conf',
  'host.conf',
  'gai.conf',
  'protocols',
  'services',
  'ld.so.cache',
  'ld.so.conf',
  'ld.so.conf.d',
  'fonts',
];
/** Top-level host directories bound read-only (or re-created as the host's symlinks). */
const SYSTEM_ROOTS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];
/** Where an app may not put a [[File]] or its VolumeMount. */
const RESERVED = [
  ...SYSTEM_ROOTS,
  '/proc',
  '/dev',
  '/sys',
  VENV_ROOT,
  ...[...ETC_ENTRIES, 'passwd', 'group', 'hosts', 'resolv.conf', 'python3'].map((e) => `/etc/${e}`),
];

export interface SandboxFile {
  /** Absolute path inside the sandbox. */
  path: string;
  content: string;
  secret: boolean;
}

export interface SandboxOptions {
  hostname: string;
  /** Host uid/gid the sandbox runs as; null keeps the portal's own (only when the portal is not root). */
  uid: number | null;
  appDir: string;
  venv: { dir: string; writable: boolean };
  volume: { dir: string; target: string } | null;
  files: SandboxFile[];
  env: Record<string, string>;
  command: string[];
  cwd: string;
  /** Guest ports to forward, each to an ephemeral 127.0.0.1 port. */
  forwardPorts: number[];
  /** Outbound connections and DNS (default true); forwarded ports work either way. */
  egress?: boolean;
  /** With egress: destinations (IPv4 CIDRs) the sandbox may not connect to, refused by its own routing table. */
  blockedNetworks?: string[];
  cgroup: InstanceCgroup | null;
  onOutput: (chunk: Buffer) => void;
}

export interface SandboxExit {
  code: number | null;
  signal: string | null;
}

export interface SandboxHandle {
  /** The host ports forwarded to `forwardPorts`, in the same order. */
  hostPorts: number[];
  exited: Promise<SandboxExit>;
  /** SIGTERM to the app's processes, SIGKILL to the whole sandbox after `graceMs`. Resolves once it has exited. */
  kill(graceMs?: number): Promise<SandboxExit>;
}

/** Where an app may not place a file or volume: the system directories the sandbox shares read-only. */
export function reservedPathProblem(label: string, target: string): string | null {
  const hit = RESERVED.find((r) => target === r || target.startsWith(`${r}/`) || (r === '/etc/python3' && target.startsWith(r)));
  return hit ? `${label} ${target} lies inside ${hit}, which the local runner's sandbox keeps read-only.` : null;
}

/**
 * bwrap arguments placing the read-only app directory at /app while leaving room for targets inside it
 * (relative [[File]]s, a VolumeMount under /app): /app is a tmpfs holding read-only binds of each entry,
 * split one level further wherever a target lies inside an entry.
 */
export function appDirMounts(hostDir: string, targets: readonly string[]): string[] {
  const args = ['--tmpfs', APP_ROOT];
  const rels = targets.filter((t) => t.startsWith(`${APP_ROOT}/`)).map((t) => t.slice(APP_ROOT.length + 1));
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(hostDir, rel)).sort()) {
      const entryRel = rel ? `${rel}/${name}` : name;
      const host = path.join(hostDir, entryRel);
      if (rels.includes(entryRel)) continue; // the target replaces it
      if (rels.some((t) => t.startsWith(`${entryRel}/`)) && statSync(host).isDirectory()) {
        args.push('--dir', `${APP_ROOT}/${entryRel}`);
        walk(entryRel);
      } else {
        args.push('--ro-bind', host, `${APP_ROOT}/${entryRel}`);
      }
    }
  };
  walk('');
  return args;
}

function systemMounts(): string[] {
  const args: string[] = [];
  for (const dir of SYSTEM_ROOTS) {
    let st;
    try {
      st = lstatSync(dir);
    } catch {
      continue;
    }
    if (st.isSymbolicLink()) args.push('--symlink', readlinkSync(dir), dir);
    else args.push('--ro-bind', dir, dir);
  }
  for (const entry of ETC_ENTRIES) args.push('--ro-bind-try', `/etc/${entry}`, `/etc/${entry}`);
  try {
    for (const name of readdirSync('/etc')) if (/^python3(\.\d+)?$/.test(name)) args.push('--ro-bind', `/etc/${name}`, `/etc/${name}`);
  } catch {
    /* no /etc */
  }
  return args;
}

/** Files the sandbox gets generated: who it is, its own name resolution through slirp4netns' DNS. */
function generatedEtc(hostname: string): SandboxFile[] {
  return [
    { path: '/etc/passwd', content: `root:x:0:0:root:/root:/usr/sbin/nologin\napp:x:1000:1000:app:/tmp:/usr/sbin/nologin\n`, secret: false },
    { path: '/etc/group', content: 'root:x:0:\napp:x:1000:\n', secret: false },
    { path: '/etc/hosts', content: `127.0.0.1 localhost ${hostname}\n::1 localhost\n`, secret: false },
    { path: '/etc/resolv.conf', content: 'nameserver 10.0.2.3\n', secret: false },
  ];
}

export async function launchSandbox(o: SandboxOptions): Promise<SandboxHandle> {
  const targets = [...o.files.map((f) => f.path), ...(o.volume ? [o.volume.target] : [])];
  const dataFiles = [...generatedEtc(o.hostname), ...o.files];
  const args = [
    '--unshare-user',
    '--unshare-pid',
    '--unshare-net',
    '--unshare-ipc',
    '--unshare-uts',
    '--unshare-cgroup-try',
    '--disable-userns', // no nested user namespaces: the kernel surface they open stays closed
    '--die-with-parent',
    '--new-session',
    '--hostname',
    o.hostname,
    ...systemMounts(),
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--tmpfs',
    '/tmp',
    '--dir',
    '/var/tmp',
    ...appDirMounts(o.appDir, targets),
    o.venv.writable ? '--bind' : '--ro-bind',
    o.venv.dir,
    VENV_ROOT,
  ];
  if (o.volume) args.push('--bind', o.volume.dir, o.volume.target);
  // fd 3: bwrap reports the sandbox's pid; fd 4: bwrap waits on it until the network and cgroups are ready.
  args.push('--info-fd', '3', '--block-fd', '4');
  dataFiles.forEach((f, i) => args.push('--perms', f.secret ? '0400' : '0444', '--ro-bind-data', String(5 + i), f.path));
  args.push('--remount-ro', APP_ROOT, '--chdir', o.cwd, '--', ...o.command);

  const spawnOptions: SpawnOptions = {
    env: o.env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe', ...dataFiles.map(() => 'pipe' as const)],
  };
  if (o.uid !== null) Object.assign(spawnOptions, { uid: o.uid, gid: o.uid });
  const bwrap: ChildProcess = spawn(bwrapPath(), args, spawnOptions);
  const stdio = bwrap.stdio as unknown as (Readable & Writable)[];
  for (const stream of stdio) stream?.on('error', () => {}); // a sandbox dying mid-set-up resets its fds; its exit is what we report
  bwrap.stdout!.on('data', o.onOutput);
  bwrap.stderr!.on('data', o.onOutput);
  const exited = new Promise<SandboxExit>((resolve) => {
    bwrap.on('error', (error) => {
      o.onOutput(Buffer.from(`${bwrapPath()}: ${error.message}\n`));
      resolve({ code: null, signal: null });
    });
    bwrap.on('exit', (code, signal) => resolve({ code, signal }));
  });
  dataFiles.forEach((f, i) => stdio[5 + i].on('error', () => {}).end(f.content));

  let network: SlirpNetwork | null = null;
  void exited.then(() => network?.close());

  let childPid: number;
  try {
    childPid = await Promise.race([readChildPid(stdio[3]), exited.then(() => Promise.reject(new Error('the sandbox ended during set-up (see the log above)')))]);
    o.cgroup?.addProcess(childPid);
    // bwrap configures the sandbox's loopback itself; slirp4netns joining while it does makes either fail.
    await blockedOnFd(childPid, 4, exited);
    network = await startSlirp(childPid, { egress: o.egress ?? true, blockedNetworks: o.blockedNetworks ?? [] });
    const hostPorts: number[] = [];
    for (const guest of o.forwardPorts) hostPorts.push(await network.forward(guest));
    network.seal();
    stdio[4].write('1');
    return {
      hostPorts,
      exited,
      kill: (graceMs = 3000) => killSandbox(bwrap, childPid, exited, graceMs),
    };
  } catch (error) {
    bwrap.kill('SIGKILL');
    await exited;
    throw error;
  }
}

function readChildPid(stream: Readable): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (b: Buffer) => {
      text += b.toString();
      const m = /"child-pid"\s*:\s*(\d+)/.exec(text);
      if (m) {
        stream.off('data', onData);
        resolve(Number(m[1]));
      }
    };
    stream.on('data', onData);
    stream.on('error', reject);
  });
}

/** Resolves once `pid` sits in read(fd): bwrap's child reads --block-fd after all its own set-up. */
async function blockedOnFd(pid: number, fd: number, exited: Promise<SandboxExit>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const expected = `0 0x${fd.toString(16)} `;
  for (let waited = 0; !gone; waited += 5) {
    let syscall = '';
    try {
      syscall = readFileSync(`/proc/${pid}/syscall`, 'utf8');
    } catch {
      if (waited > 10_000) throw new Error('cannot observe the sandbox starting (/proc/<pid>/syscall unreadable)');
    }
    if (syscall.startsWith(expected)) return;
    if (waited > 30_000) throw new Error('the sandbox did not finish its set-up within 30 s');
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('the sandbox ended during set-up (see the log above)');
}

/** Processes below `pid` (host view), deepest last. */
function descendants(pid: number): number[] {
  const out: number[] = [];
  const visit = (p: number) => {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      return;
    }
    for (const t of tasks) {
      let children = '';
      try {
        children = readFileSync(`/proc/${p}/task/${t}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const c of children.trim().split(/\s+/).filter(Boolean).map(Number)) {
        out.push(c);
        visit(c);
      }
    }
  };
  visit(pid);
  return out;
}

async function killSandbox(bwrap: ChildProcess, childPid: number, exited: Promise<SandboxExit>, graceMs: number): Promise<SandboxExit> {
  if (bwrap.exitCode !== null || bwrap.signalCode !== null) return exited;
  for (const p of descendants(childPid)) {
    try {
      process.kill(p, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  const timer = setTimeout(() => {
    // The sandbox's PID 1 going away ends every process in its PID namespace.
    try {
      process.kill(childPid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    bwrap.kill('SIGKILL');
  }, graceMs);
  const result = await exited;
  clearTimeout(timer);
  return result;
}
