// Test helper: runs a TypeScript script of lib/testing/ in a separate Node process (tsx, the `@/` paths,
// 'server-only' resolved as on the server), for tests that need a second process or a real crash.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './corpus';

export interface Child {
  process: ChildProcess;
  /** Everything the child printed on stdout so far. */
  output(): string;
  /** Resolves with the first stdout line for which `match` holds. */
  line(match: (line: string) => boolean): Promise<string>;
  send(text: string): void;
  /** Resolves when the child exited: its exit code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `options.stderr: 'pipe'` keeps the child's stderr on `process.stderr` for the test to read (default: shown). */
export function runScript(script: string, args: string[], env: Record<string, string>, options: { stderr?: 'pipe' | 'inherit' } = {}): Child {
  const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', path.join(REPO_ROOT, 'lib', 'testing', script), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', options.stderr ?? 'inherit'],
  });
  let out = '';
  const waiters: { match: (l: string) => boolean; resolve: (l: string) => void }[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const w of [...waiters]) {
      const hit = out.split('\n').find(w.match);
      if (hit !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(hit);
      }
    }
  });
  return {
    process: child,
    output: () => out,
    line: (match) =>
      new Promise((resolve, reject) => {
        const hit = out.split('\n').find(match);
        if (hit !== undefined) return resolve(hit);
        waiters.push({ match, resolve });
        void exited.then(({ code, signal }) => reject(new Error(`The child exited (${code ?? signal}) before printing the expected line:\n${out}`)));
      }),
    send: (text) => child.stdin!.write(text),
    exited,
  };
}
