// What the runner asks of the host: its GPUs, and whether an instance's port answers HTTP yet.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import type { UpstreamEndpoint } from './types';

const READINESS_INTERVAL_MS = 250;

let gpus: number | undefined;
/** NVIDIA devices visible on the host. */
export function gpuCount(): number {
  if (gpus === undefined) {
    try {
      gpus = readdirSync('/dev').filter((n) => /^nvidia\d+$/.test(n)).length;
    } catch {
      gpus = 0;
    }
    if (gpus === 0 && spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8' }).stdout?.includes('GPU')) gpus = 1;
  }
  return gpus;
}

/** Resolves once the endpoint answers any HTTP response on `basePath`; stops trying when aborted or `gaveUp()`. */
export async function waitForHttp(endpoint: UpstreamEndpoint, basePath: string, signal: AbortSignal, gaveUp: () => boolean): Promise<void> {
  while (!signal.aborted && !gaveUp()) {
    const ok = await new Promise<boolean>((resolve) => {
      const req = http.get({ host: endpoint.host, port: endpoint.port, path: basePath, timeout: 2000, agent: false }, (res) => {
        res.resume();
        resolve(true);
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, READINESS_INTERVAL_MS));
  }
}

/** Link-local addresses: cloud metadata services (169.254.169.254) hand out the host's credentials. */
export const LINK_LOCAL = '169.254.0.0/16';

/**
 * Where a sandbox with egress may not connect: link-local always, and the host's own non-loopback IPv4
 * addresses unless `reachHost` (services bound to all interfaces would otherwise be reachable through
 * slirp, which connects from the host). Read at each start, so an address added later is covered too.
 */
export function blockedNetworks(reachHost: boolean): string[] {
  const host = reachHost
    ? []
    : Object.values(os.networkInterfaces())
        .flat()
        .filter((a): a is os.NetworkInterfaceInfoIPv4 => !!a && a.family === 'IPv4' && !a.internal)
        .map((a) => `${a.address}/32`);
  return [LINK_LOCAL, ...new Set(host)];
}
