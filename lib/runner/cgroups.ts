// Memory and CPU limits through cgroups, v2 or v1, below the portal's own cgroup where it may create
// groups. Where it may not, limits are reported as not enforced rather than silently ignored.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseQuantity } from '@/lib/manifest/quantity';

const ROOT = '/sys/fs/cgroup';
const CPU_PERIOD_US = 100_000;

export interface CgroupSupport {
  version: 'v1' | 'v2' | null;
  memory: boolean;
  cpu: boolean;
  note: string | null;
  /** Directories under which instance groups are created, per controller (cpuacct: v1's CPU accounting). */
  bases: { memory?: string; cpu?: string; cpuacct?: string };
}

/** The portal's own cgroup path per controller (v1) or for the unified hierarchy (key ''). */
function ownCgroups(): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    for (const c of m[1].split(',')) map.set(c, m[2]);
  }
  return map;
}

/** Tries to create (and remove) a probe group under `dir`: writable cgroup directories are what matters, not the mount flags. */
function canCreateUnder(dir: string): boolean {
  const probe = path.join(dir, `appstore-probe-${process.pid}`);
  try {
    mkdirSync(probe);
    rmdirSync(probe);
    return true;
  } catch {
    return false;
  }
}

let cached: CgroupSupport | undefined;

export function detectCgroups(): CgroupSupport {
  if (cached) return cached;
  cached = detect();
  return cached;
}

function detect(): CgroupSupport {
  let own: Map<string, string>;
  try {
    own = ownCgroups();
  } catch {
    return { version: null, memory: false, cpu: false, note: 'This host has no cgroups (no /proc/self/cgroup).', bases: {} };
  }
  // v1 controllers when mounted (a hybrid host keeps them there), else the unified v2 hierarchy.
  const v1 = (controller: string): string | undefined => {
    const mount = path.join(ROOT, controller);
    if (!existsSync(path.join(mount, 'cgroup.procs')) || !own.has(controller)) return undefined;
    const dir = path.join(mount, own.get(controller)!);
    return canCreateUnder(dir) ? dir : undefined;
  };
  const memory = v1('memory');
  const cpu = v1('cpu');
  if (memory || cpu) {
    return {
      version: 'v1',
      memory: !!memory,
      cpu: !!cpu,
      note: memory && cpu ? null : `Only ${memory ? 'memory' : 'CPU'} limits can be enforced: the portal may not create ${memory ? 'cpu' : 'memory'} cgroups here.`,
      bases: { memory, cpu, cpuacct: v1('cpuacct') ?? (existsSync(path.join(ROOT, 'cpu', 'cpuacct.usage')) ? cpu : undefined) },
    };
  }
  const unified = existsSync(path.join(ROOT, 'cgroup.controllers')) ? ROOT : existsSync(path.join(ROOT, 'unified', 'cgroup.controllers')) ? path.join(ROOT, 'unified') : null;
  if (unified && own.has('')) {
    const dir = path.join(unified, own.get('')!);
    let controllers: string[] = [];
    try {
      controllers = readFileSync(path.join(dir, 'cgroup.subtree_control'), 'utf8').trim().split(/\s+/);
    } catch {
      /* not readable: treated as none */
    }
    const mem = controllers.includes('memory');
    const c = controllers.includes('cpu');
    if ((mem || c) && canCreateUnder(dir)) {
      return { version: 'v2', memory: mem, cpu: c, note: mem && c ? null : 'Some cgroup v2 controllers are not delegated to the portal.', bases: { memory: mem ? dir : undefined, cpu: c ? dir : undefined } };
    }
  }
  return {
    version: null,
    memory: false,
    cpu: false,
    note: 'MemoryLimit and CPULimit are not enforced on this host: the portal may not create cgroups (run it as root or delegate a cgroup to it).',
    bases: {},
  };
}

/** What an instance uses now, where the host lets the portal read it. */
export interface ResourceUsage {
  memoryBytes: number | null;
  cpuSeconds: number | null;
}

/** The groups one instance's processes are placed in; remove() after they have exited. */
export interface InstanceCgroup {
  enforced: { memory: boolean; cpu: boolean };
  /** Memory in use and CPU time used so far (accounting works with or without limits). */
  usage(): ResourceUsage;
  addProcess(pid: number): void;
  /** Removes the groups once their last process is gone (exiting processes linger briefly after the sandbox's end). */
  remove(): Promise<void>;
}

export function createInstanceCgroup(name: string, limits: { memoryLimit: string | null; cpuLimit: string | null }, support = detectCgroups()): InstanceCgroup {
  const dirs: string[] = [];
  const enforced = { memory: false, cpu: false };
  const groupDir = (base: string) => {
    const dir = path.join(base, 'appstore-instances', name);
    mkdirSync(dir, { recursive: true });
    if (!dirs.includes(dir)) dirs.push(dir);
    return dir;
  };
  const memoryBytes = limits.memoryLimit ? parseQuantity(limits.memoryLimit)?.value : undefined;
  const cpus = limits.cpuLimit ? parseQuantity(limits.cpuLimit)?.value : undefined;
  // Groups exist for accounting whether or not a limit is set.
  const memoryDir = support.memory && support.bases.memory ? groupDir(support.bases.memory) : null;
  const cpuDir = support.cpu && support.bases.cpu ? groupDir(support.bases.cpu) : null;
  const cpuacctDir = support.version === 'v1' && support.bases.cpuacct ? groupDir(support.bases.cpuacct) : support.version === 'v2' ? cpuDir : null;
  if (memoryBytes && memoryDir) {
    const dir = memoryDir;
    const bytes = String(Math.floor(memoryBytes));
    if (support.version === 'v1') {
      writeFileSync(path.join(dir, 'memory.limit_in_bytes'), bytes);
    } else {
      writeFileSync(path.join(dir, 'memory.max'), bytes);
      try {
        writeFileSync(path.join(dir, 'memory.swap.max'), '0');
      } catch {
        /* no swap accounting: nothing to limit */
      }
    }
    enforced.memory = true;
  }
  if (cpus && cpuDir) {
    const dir = cpuDir;
    const quota = String(Math.max(1000, Math.round(cpus * CPU_PERIOD_US)));
    if (support.version === 'v1') {
      writeFileSync(path.join(dir, 'cpu.cfs_period_us'), String(CPU_PERIOD_US));
      writeFileSync(path.join(dir, 'cpu.cfs_quota_us'), quota);
    } else {
      writeFileSync(path.join(dir, 'cpu.max'), `${quota} ${CPU_PERIOD_US}`);
    }
    enforced.cpu = true;
  }
  const read = (dir: string | null, file: string): string | null => {
    if (!dir) return null;
    try {
      return readFileSync(path.join(dir, file), 'utf8');
    } catch {
      return null;
    }
  };
  return {
    enforced,
    usage() {
      const memory = read(memoryDir, support.version === 'v1' ? 'memory.usage_in_bytes' : 'memory.current');
      let cpuSeconds: number | null = null;
      if (support.version === 'v1') {
        const ns = read(cpuacctDir, 'cpuacct.usage');
        if (ns !== null) cpuSeconds = Number(ns) / 1e9;
      } else {
        const usec = /usage_usec (\d+)/.exec(read(cpuacctDir, 'cpu.stat') ?? '')?.[1];
        if (usec) cpuSeconds = Number(usec) / 1e6;
      }
      return { memoryBytes: memory === null ? null : Number(memory), cpuSeconds };
    },
    addProcess(pid) {
      for (const dir of dirs) writeFileSync(path.join(dir, 'cgroup.procs'), String(pid));
    },
    async remove() {
      for (const dir of dirs) {
        for (let attempt = 0; attempt < 50 && existsSync(dir); attempt++) {
          try {
            rmdirSync(dir);
          } catch {
            await new Promise((r) => setTimeout(r, 100)); // EBUSY until the kernel has reaped the last process
          }
        }
      }
    },
  };
}
