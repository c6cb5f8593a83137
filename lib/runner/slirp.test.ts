// slirp4netns attached to a network namespace of our own (unshare, as root): a port forwarded into it answers
// from the host's loopback, and sealing the network removes its API socket while the forward keeps working.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readlinkSync } from 'node:fs';
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startSlirp, type SlirpNetwork } from './slirp';

const children: ChildProcess[] = [];
let network: SlirpNetwork | null = null;
afterEach(() => {
  network?.close();
  network = null;
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 2000 }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(body));
      })
      .on('timeout', function (this: http.ClientRequest) {
        this.destroy(new Error('timed out'));
      })
      .on('error', reject);
  });
}

describe('slirp4netns network', () => {
  it('forwards a loopback port into the namespace, and once sealed leaves no API socket behind', async () => {
    // A process in a network namespace of its own (unshare execs sleep in the same process).
    const holder = spawn('unshare', ['--net', 'sleep', '120'], { stdio: 'ignore' });
    children.push(holder);
    const ours = readlinkSync('/proc/self/ns/net');
    await expect.poll(() => (existsSync(`/proc/${holder.pid}/ns/net`) ? readlinkSync(`/proc/${holder.pid}/ns/net`) : ours), { timeout: 10_000 }).not.toBe(ours);

    network = await startSlirp(holder.pid!, { egress: false });
    expect(existsSync(network.apiDir)).toBe(true);
    const port = await network.forward(8080);
    network.seal();
    expect(existsSync(network.apiDir)).toBe(false);

    // A server inside the namespace, reached through the forward made before the seal.
    const server = spawn('nsenter', [`--net=/proc/${holder.pid}/ns/net`, process.execPath, '-e', "require('http').createServer((q, r) => r.end('inside')).listen(8080, '0.0.0.0')"], { stdio: 'ignore' });
    children.push(server);
    // Asked until the server inside the namespace answers (it starts after the forward is set up).
    await expect.poll(() => get(port).catch(() => null), { timeout: 10_000 }).toBe('inside');
  }, 30_000);
});
