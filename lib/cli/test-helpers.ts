// Helpers for the CLI's tests: an in-memory CliIo and a throwaway HTTP server standing in for the portal.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import type { CliInput, CliIo, Env } from './io';

export interface MemoryIo extends CliIo {
  out(): string;
  err(): string;
}

export function memoryIo(options: { cwd: string; env?: Env; stdin?: string | CliInput }): MemoryIo {
  let out = '';
  let err = '';
  let stdin: CliInput;
  if (typeof options.stdin === 'string' || options.stdin === undefined) {
    const pass = new PassThrough();
    pass.end(options.stdin ?? '');
    stdin = pass;
  } else {
    stdin = options.stdin;
  }
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    stdin,
    env: options.env ?? {},
    cwd: options.cwd,
    out: () => out,
    err: () => err,
  };
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface StubServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

/** Records each request (body read to the end) and answers with what `reply` returns. */
export async function startStub(reply: (req: RecordedRequest) => Reply): Promise<StubServer> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(recorded);
      const answer = reply(recorded);
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? null);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on, for network-failure tests. */
export async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

export interface ZipEntryInfo {
  name: string;
  /** 0 stored, 8 deflate. */
  method: number;
  /** Unix mode from the external attributes (0 when the archive has none). */
  mode: number;
  data: Buffer;
}

/** Every entry of a zip file, in archive order, read with yauzl (independent of the code under test). */
export async function readZip(file: string): Promise<ZipEntryInfo[]> {
  const yauzl = (await import('yauzl')).default;
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const entries: ZipEntryInfo[] = [];
      zip.on('error', reject);
      zip.on('end', () => resolve(entries));
      zip.on('entry', (entry: import('yauzl').Entry) => {
        zip.openReadStream(entry, (streamErr, stream) => {
          if (streamErr || !stream) return reject(streamErr);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            entries.push({
              name: entry.fileName,
              method: entry.compressionMethod,
              mode: entry.externalFileAttributes >>> 16,
              data: Buffer.concat(chunks),
            });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}
