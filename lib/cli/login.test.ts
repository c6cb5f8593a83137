import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliInput, Env } from './io';
import { main } from './main';
import { closedPortUrl, memoryIo, startStub, type StubServer } from './test-helpers';

let dir: string;
let env: Env;
let server: StubServer;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'appstore-login-'));
  env = { APPSTORE_CONFIG: path.join(dir, 'nested', 'appstore', 'config.json') };
  server = await startStub((req) => {
    const { password } = JSON.parse(req.body.toString());
    return password === 'right horse battery'
      ? { status: 201, body: { id: 7, token: 'tok_secret_123' } }
      : { status: 401, body: { error: { code: 'UNAUTHENTICATED', message: 'Wrong e-mail or password.' } } };
  });
});
afterEach(async () => {
  server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('appstore login', () => {
  it('reads email and password from piped stdin, asks for a token and stores it readable by the owner only', async () => {
    const io = memoryIo({ cwd: dir, env, stdin: 'dev@example.com\nright horse battery\n' });
    expect(await main(['login', '--url', `${server.url}/`], io)).toBe(0);

    expect(server.requests).toHaveLength(1);
    const [req] = server.requests;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/api/v1/auth/token');
    expect(req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req.body.toString())).toEqual({
      email: 'dev@example.com',
      password: 'right horse battery',
      name: `appstore CLI on ${os.hostname()}`.slice(0, 100),
    });

    const file = env.APPSTORE_CONFIG!;
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ url: server.url, token: 'tok_secret_123' });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700);
    expect(io.out() + io.err()).not.toContain('tok_secret_123');
  });

  it('takes the whole of stdin as the password with --password-stdin', async () => {
    const io = memoryIo({ cwd: dir, env, stdin: 'right horse battery\n' });
    expect(await main(['login', '--url', server.url, '--email', 'dev@example.com', '--password-stdin'], io)).toBe(0);
    expect(JSON.parse(server.requests[0].body.toString())).toMatchObject({
      email: 'dev@example.com',
      password: 'right horse battery',
    });
  });

  it('does not echo the password typed on a terminal', async () => {
    const input = new PassThrough() as PassThrough & CliInput;
    const rawModes: boolean[] = [];
    input.isTTY = true;
    input.setRawMode = (mode: boolean) => {
      rawModes.push(mode);
      // The password is typed once the terminal has stopped echoing; a typo is erased with backspace.
      if (mode) setImmediate(() => input.write('right horse batteryy\u007f\r'));
      return input;
    };
    const io = memoryIo({ cwd: dir, env, stdin: input });
    const exit = main(['login', '--url', server.url], io);
    input.write('dev@example.com\r');
    expect(await exit).toBe(0);

    expect(rawModes).toEqual([true, false]);
    expect(JSON.parse(server.requests[0].body.toString())).toMatchObject({
      email: 'dev@example.com',
      password: 'right horse battery',
    });
    expect(io.err()).toBe('Email: Password: \n');
  });

  it("shows the portal's message and stores nothing when the password is wrong", async () => {
    const io = memoryIo({ cwd: dir, env, stdin: 'dev@example.com\nwrong\n' });
    expect(await main(['login', '--url', server.url], io)).toBe(1);
    expect(io.err()).toBe('appstore login: login failed: Wrong e-mail or password.\n');
    await expect(stat(env.APPSTORE_CONFIG!)).rejects.toThrow();
  });

  it('reports an unreachable portal on one line', async () => {
    const url = await closedPortUrl();
    const io = memoryIo({ cwd: dir, env, stdin: 'dev@example.com\npw\n' });
    expect(await main(['login', '--url', url], io)).toBe(1);
    expect(io.err()).toMatch(new RegExp(`^appstore login: cannot reach ${url}: .*ECONNREFUSED.*\\n$`));
  });

  it('needs --url', async () => {
    const io = memoryIo({ cwd: dir, env });
    expect(await main(['login'], io)).toBe(2);
    expect(io.err()).toContain('--url is required');
    expect(io.err()).toContain('Usage: appstore login');
  });
});
