// An instance's network: slirp4netns attached to the sandbox's network namespace gives it outbound access
// (never to the host's loopback) and forwards its ports to ephemeral 127.0.0.1 ports through its API socket.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { slirp4netnsPath } from './config';

export interface SlirpNetwork {
  /** Forwards a guest port to a free 127.0.0.1 port, returned. */
  forward(guestPort: number): Promise<number>;
  /**
   * Removes the API socket once every port is forwarded (no later call needs it): a portal stopped or killed while
   * the instance runs then leaves no directory behind in the temporary directory.
   */
  seal(): void;
  close(): void;
  /** The API socket's directory (for tests). */
  apiDir: string;
}

/** Attaches slirp4netns to the network namespace of `pid` and resolves once the interface is configured. */
export async function startSlirp(pid: number, options: { egress: boolean; blockedNetworks?: string[] } = { egress: true }): Promise<SlirpNetwork> {
  const apiDir = mkdtempSync(path.join(os.tmpdir(), 'appstore-slirp-'));
  const apiSocket = path.join(apiDir, 'api.sock');
  // By path: given a pid, slirp4netns would join the sandbox's user namespace and then lack the rights to
  // configure its network. Its own sandbox and seccomp filter confine it once set up; fd 3 closing (the
  // portal gone) ends it; fd 4 reports the interface ready.
  const slirp: ChildProcess = spawn(
    slirp4netnsPath(),
    [
      '--configure',
      '--mtu=65520',
      '--disable-host-loopback',
      ...(options.egress ? [] : ['--disable-dns']),
      '--enable-sandbox',
      '--enable-seccomp',
      '--netns-type=path',
      `--api-socket=${apiSocket}`,
      '--exit-fd=3',
      '--ready-fd=4',
      `/proc/${pid}/ns/net`,
      'tap0',
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  );
  const close = () => {
    slirp.kill('SIGKILL');
    rmSync(apiDir, { recursive: true, force: true });
  };
  const output: Buffer[] = [];
  for (const stream of slirp.stdio as unknown as (Readable | null)[]) stream?.on('error', () => {});
  slirp.stderr!.on('data', (b: Buffer) => output.push(b));
  const exited = new Promise<never>((_, reject) => {
    slirp.on('error', reject);
    slirp.on('exit', (code, signal) => reject(new Error(`slirp4netns exited (${signal ?? code}): ${Buffer.concat(output).toString().trim()}`)));
  });
  exited.catch(() => {});
  try {
    await Promise.race([readyByte((slirp.stdio as unknown as Readable[])[4]), exited]);
  } catch (error) {
    close();
    throw error;
  }
  const blocked = options.egress ? (options.blockedNetworks ?? []) : [];
  if (blocked.length > 0) {
    // `prohibit` routes in the sandbox's own table: a connection to them fails at once (EACCES) before it
    // reaches slirp, which would otherwise open it from the host. The app has no capabilities to remove them.
    const batch = blocked.map((cidr) => `route add prohibit ${cidr}`).join('\n') + '\n';
    const added = spawnSync('nsenter', [`--net=/proc/${pid}/ns/net`, 'ip', '-batch', '-'], { input: batch, encoding: 'utf8' });
    if (added.status !== 0) {
      close();
      throw new Error(`could not block the sandbox's routes to ${blocked.join(', ')}: ${(added.stderr || added.error?.message || '').trim()}`);
    }
  }
  if (!options.egress) {
    // No egress: the namespace keeps only its own subnet (slirp's gateway, which maps to the host's loopback
    // and is refused above, and the router's forwarded connections, which come from it); no default route,
    // no DNS. The app has no capabilities in its namespace to add a route back.
    const removed = spawnSync('nsenter', [`--net=/proc/${pid}/ns/net`, 'ip', 'route', 'del', 'default'], { encoding: 'utf8' });
    if (removed.status !== 0) {
      close();
      throw new Error(`could not remove the sandbox's default route (INSTANCE_EGRESS=false): ${(removed.stderr || removed.error?.message || '').trim()}`);
    }
  }
  return { forward: (guestPort) => forwardPort(apiSocket, guestPort), seal: () => rmSync(apiDir, { recursive: true, force: true }), close, apiDir };
}

function readyByte(stream: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('data', () => resolve());
    stream.once('error', reject);
  });
}

/** A free 127.0.0.1 port, handed to slirp4netns (which does not accept port 0); retried if another process takes it first. */
async function forwardPort(apiSocket: string, guestPort: number): Promise<number> {
  let lastError = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const answer = await slirpApi(apiSocket, { execute: 'add_hostfwd', arguments: { proto: 'tcp', host_addr: '127.0.0.1', host_port: port, guest_port: guestPort } });
    if (!answer.error) return port;
    lastError = JSON.stringify(answer.error);
  }
  throw new Error(`slirp4netns could not forward port ${guestPort}: ${lastError}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function slirpApi(socketPath: string, request: object): Promise<{ error?: unknown; return?: unknown }> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    let text = '';
    socket.on('connect', () => socket.end(JSON.stringify(request)));
    socket.on('data', (b) => (text += b.toString()));
    socket.on('error', reject);
    socket.on('close', () => {
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new Error(`slirp4netns answered ${JSON.stringify(text)}`));
      }
    });
  });
}
