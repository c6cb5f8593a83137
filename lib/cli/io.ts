// The streams and environment a command runs with, so tests can run commands in-process.
export interface CliInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?: (mode: boolean) => unknown;
}

/** Environment variables; not NodeJS.ProcessEnv, whose Next.js typing insists on NODE_ENV. */
export type Env = Record<string, string | undefined>;

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  stdin: CliInput;
  env: Env;
  /** Directory relative paths are resolved against (process.cwd() for the real command). */
  cwd: string;
}

/** The real command's streams; `env` is the process environment, handed in by bin/appstore.mjs. */
export function processIo(env: Env): CliIo {
  // `npm run appstore -- …` runs in the package root; npm keeps the caller's directory in INIT_CWD.
  const cwd = env.npm_lifecycle_event === 'appstore' && env.INIT_CWD ? env.INIT_CWD : process.cwd();
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env, cwd };
}

/** `portal`: the portal's address, to print a problem's link (a path on the portal, like My secrets) in full. */
export function printProblems(
  out: { write(text: string): unknown },
  problems: readonly { path: string; message: string; excerpt?: string; link?: { href: string; label: string } }[],
  prefix = '',
  portal?: string,
): void {
  const indent = ' '.repeat(prefix.length - prefix.trimStart().length + 4);
  for (const p of problems) {
    out.write(`${prefix}${p.path ? `${p.path}: ` : ''}${p.message}\n`);
    // A syntax error's line with its caret, indented under the message.
    if (p.excerpt) for (const line of p.excerpt.split('\n')) out.write(`${indent}${line}\n`);
    if (p.link && portal) out.write(`${indent}${p.link.label}: ${new URL(p.link.href, portal).href}\n`);
  }
}
