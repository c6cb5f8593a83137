// Per-instance log on disk, bounded: the current file rolls over to `.1` past half the bound, so the last
// ~bound bytes survive a portal restart. Followers get new output as it is appended.
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { InstanceLogs } from './types';

export const DEFAULT_LOG_BYTES = 5 * 1024 * 1024;

export class InstanceLog implements InstanceLogs {
  private size: number;
  private readonly followers = new Set<(chunk: string) => void>();

  constructor(
    readonly file: string,
    private readonly maxBytes = DEFAULT_LOG_BYTES,
  ) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 }); // app output is for the portal only
    this.size = existsSync(file) ? statSync(file).size : 0;
  }

  /** Appends output (a process's stdout/stderr or a runner line). */
  write(chunk: string | Buffer): void {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (!text) return;
    let bytes = Buffer.from(text, 'utf8');
    const half = Math.floor(this.maxBytes / 2);
    if (bytes.length > half) bytes = bytes.subarray(bytes.length - half);
    if (this.size + bytes.length > half) {
      renameSync(this.file, `${this.file}.1`);
      this.size = 0;
    }
    appendFileSync(this.file, bytes);
    this.size += bytes.length;
    for (const f of this.followers) f(text);
  }

  /** A line from the runner itself, marked so it cannot be mistaken for app output. */
  note(line: string): void {
    this.write(`[runner ${new Date().toISOString()}] ${line}\n`);
  }

  async read(): Promise<string> {
    return this.readSync();
  }

  readSync(): string {
    const parts = [`${this.file}.1`, this.file].filter((f) => existsSync(f)).map((f) => readFileSync(f));
    const all = Buffer.concat(parts);
    return (all.length > this.maxBytes ? all.subarray(all.length - this.maxBytes) : all).toString('utf8');
  }

  /** The last `n` non-empty lines. */
  lastLines(n = 30): string[] {
    return this.readSync()
      .split('\n')
      .filter((l) => l.trim() !== '')
      .slice(-n);
  }

  async *follow(signal: AbortSignal): AsyncIterable<string> {
    const queue: string[] = [];
    let wake: (() => void) | null = null;
    const push = (chunk: string) => {
      queue.push(chunk);
      wake?.();
    };
    const onAbort = () => wake?.();
    this.followers.add(push);
    signal.addEventListener('abort', onAbort);
    try {
      const head = this.readSync();
      if (head) yield head;
      while (!signal.aborted) {
        if (queue.length === 0) {
          await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
          continue;
        }
        yield queue.splice(0).join('');
      }
    } finally {
      this.followers.delete(push);
      signal.removeEventListener('abort', onAbort);
    }
  }

  remove(): void {
    rmSync(this.file, { force: true });
    rmSync(`${this.file}.1`, { force: true });
    this.size = 0;
  }
}
