// `appstore env runtime-version list`: the runtime versions the portal accepts in Runtime.RuntimeVersion.
import { parseArgs } from 'node:util';
import { resolveTarget } from './config-file';
import { CliError, UsageError, parsingArguments } from './errors';
import { bearer, errorMessage, readAnswer, send } from './http';
import type { CliIo } from './io';
import { formatTable } from './table';

export interface RuntimeVersion {
  name: string;
  status: 'available' | 'default' | 'deprecated';
  pythonVersion?: string | null;
  gpu?: boolean;
  note?: string | null;
}

const STATUS_LABELS: Record<string, string> = { default: 'Default', deprecated: 'Deprecated', available: '' };

export function formatRuntimeVersions(versions: RuntimeVersion[]): string {
  return formatTable(
    ['NAME', 'STATUS'],
    versions.map((v) => [v.name, STATUS_LABELS[v.status] ?? v.status]),
  );
}

export async function envCommand(args: string[], io: CliIo): Promise<number> {
  const [noun, verb, ...rest] = args;
  if (noun !== 'runtime-version' || verb !== 'list') {
    throw new UsageError(noun === undefined ? 'missing sub-command' : `unknown sub-command: ${[noun, verb].filter(Boolean).join(' ')}`);
  }
  const { values, positionals } = parsingArguments(() =>
    parseArgs({ args: rest, options: { url: { type: 'string' } }, allowPositionals: true, strict: true }),
  );
  if (positionals.length) throw new UsageError(`unexpected argument: ${positionals[0]}`);

  const target = await resolveTarget(values, io.env);
  const res = await send(`${target.url}/api/v1/runtime-versions`, {
    headers: { ...bearer(target.token), accept: 'application/json' },
  });
  const { json } = await readAnswer(res);
  if (!res.ok) throw new CliError(errorMessage(res, json));
  if (!Array.isArray(json)) throw new CliError('the portal did not answer with a list of runtime versions');
  io.stdout.write(formatRuntimeVersions(json as RuntimeVersion[]));
  return 0;
}
