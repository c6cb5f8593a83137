// `appstore validate`: reads a .wave bundle with the portal's own checks (lib/bundle/inspect.ts) and reports.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { inspectBundle } from '../bundle/inspect';
import { CliError, UsageError, parsingArguments } from './errors';
import { type CliIo, printProblems } from './io';
import type { Problem } from '../errors';

/** What `--json` prints: always exactly this object, and nothing else on stdout. */
export interface ValidateReport {
  ok: boolean;
  manifest: Record<string, unknown> | null;
  errors: Problem[];
  warnings: Problem[];
  /** What only the portal can judge, checked when the bundle is imported. */
  serverChecks: string[];
}

/** Checks that need the portal's data: `validate` cannot run them offline, `appstore import` does. */
export const SERVER_CHECKS = [
  'Runtime.RuntimeVersion is one of the portal\'s runtime versions',
  'every [[Env]]/[[File]] Secret exists and holds its SecretKey',
  'App.Name is yours (or new) and App.Version is not imported yet',
  'your app version limit',
  'container images are allowed',
  'App.Tags and the legacy App.Category name existing tags you may assign',
];

export async function validateCommand(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--json')) return validateJson(args, io);
  const file = parseFile(args).file;
  const report = await inspect(path.resolve(io.cwd, file));
  printSummary(io, file, report);
  return report.ok ? 0 : 1;
}

function parseFile(args: string[]): { file: string; json: boolean } {
  const { values, positionals } = parsingArguments(() =>
    parseArgs({ args, options: { json: { type: 'boolean', default: false } }, allowPositionals: true, strict: true }),
  );
  if (positionals.length !== 1) throw new UsageError(positionals.length ? 'give one FILE only' : 'FILE is required');
  return { file: positionals[0], json: values.json };
}

async function validateJson(args: string[], io: CliIo): Promise<number> {
  let report: ValidateReport;
  let exitCode: number;
  try {
    const { file } = parseFile(args);
    report = await withConsoleOnStderr(() => inspect(path.resolve(io.cwd, file)));
    exitCode = report.ok ? 0 : 1;
  } catch (err) {
    // Even now a program reading stdout gets its one JSON object; the detail goes to stderr.
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`appstore validate: ${message}\n`);
    report = { ok: false, manifest: null, errors: [{ path: 'bundle', message }], warnings: [], serverChecks: SERVER_CHECKS };
    exitCode = err instanceof UsageError ? 2 : 1;
  }
  io.stdout.write(`${JSON.stringify(report)}\n`);
  return exitCode;
}

async function inspect(file: string): Promise<ValidateReport> {
  // inspectBundle judges archives; a path that is not a file is the caller's mistake, reported as such.
  const info = await stat(file).catch((err: NodeJS.ErrnoException) => {
    throw new CliError(`cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  });
  if (!info.isFile()) throw new CliError(`${file} is not a file`);
  const result = await inspectBundle(file);
  return {
    ok: result.ok,
    manifest: result.manifest as unknown as Record<string, unknown> | null,
    errors: result.errors,
    warnings: result.warnings,
    serverChecks: SERVER_CHECKS,
  };
}

/** Keeps stray console output of library code off stdout while --json owns it. */
async function withConsoleOnStderr<T>(run: () => Promise<T>): Promise<T> {
  const saved = { log: console.log, info: console.info, debug: console.debug };
  console.log = console.info = console.debug = console.error;
  try {
    return await run();
  } finally {
    Object.assign(console, saved);
  }
}

function printSummary(io: CliIo, file: string, report: ValidateReport): void {
  const out = io.stdout;
  if (!report.ok) {
    out.write(`${file}: not a valid bundle (${count(report.errors.length, 'error')})\n`);
    printProblems(out, report.errors, '  error: ');
    printProblems(out, report.warnings, '  warning: ');
    printServerChecks(out);
    return;
  }
  const m = report.manifest ?? {};
  const screenshots = Array.isArray(m.screenshots) ? m.screenshots.length : 0;
  out.write(`${file}: valid bundle\n`);
  const rows: [string, unknown][] = [
    ['Name', m.name],
    ['Version', m.version],
    ['Title', m.title],
    ['Kind', m.kind],
    ['Icon', m.icon ?? 'none'],
    ['Screenshots', screenshots],
  ];
  for (const [label, value] of rows) out.write(`  ${label.padEnd(12)} ${String(value ?? '')}\n`);
  if (report.warnings.length) {
    out.write(`${count(report.warnings.length, 'warning')}:\n`);
    printProblems(out, report.warnings, '  ');
  }
  printServerChecks(out);
}

function printServerChecks(out: CliIo['stdout']): void {
  out.write('Checked offline: app.toml, the LongDescription file, icon, screenshots, dependency lists and size limits.\n');
  out.write('Checked by the server on import (appstore import), not here:\n');
  for (const check of SERVER_CHECKS) out.write(`  - ${check}\n`);
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
