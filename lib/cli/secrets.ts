// `appstore secret list|get|create|update|delete`: secrets through the REST API, values given as
// --from-literal key=value or --from-file key=path (read here, sent once, never printed back).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { SECRET_VISIBILITIES } from '@/lib/secrets/policy';
import { call, formatFields, print, verbArguments, visibilityFrom } from './api';
import { CliError, UsageError } from './errors';
import type { CliIo } from './io';
import { formatTable } from './table';

export interface SecretSummary {
  id: string;
  name: string;
  visibility: string;
  appName: string | null;
  owner: { id: string; name: string };
  keys: { key: string; updatedAt: string }[];
  createdAt: string;
  updatedAt: string;
}

// A secret's visibilities are not an app's (APP, no PUBLIC): their own list, any letter case.
const secretVisibilitySchema = z.preprocess((v) => (typeof v === 'string' ? v.trim().toUpperCase() : v), z.enum(SECRET_VISIBILITIES));
const secretVisibilityOf = (value: string | undefined) => visibilityFrom(value, SECRET_VISIBILITIES, secretVisibilitySchema);
const VALUES = {
  'from-literal': { type: 'string', multiple: true },
  'from-file': { type: 'string', multiple: true },
} as const;
const SCOPE = { scope: { type: 'string' } } as const;

const USAGE = {
  list: 'secret list [-v VISIBILITY]',
  get: 'secret get <NAME>',
  create: 'secret create <NAME> [-v VISIBILITY] [--app NAME] --from-literal KEY=VALUE ... --from-file KEY=PATH ...',
  update: 'secret update <NAME> [--from-literal KEY=VALUE ...] [--from-file KEY=PATH ...] [--remove KEY ...]',
  delete: 'secret delete <NAME>',
};

export function formatSecretList(list: SecretSummary[]): string {
  return formatTable(
    ['NAME', 'VISIBILITY', 'PARENT', 'KEYS'],
    list.map((s) => [s.name, s.visibility, s.appName ?? '', s.keys.map((k) => k.key).join(',')]),
  );
}

export function formatSecret(s: SecretSummary): string {
  return formatFields([
    ['Name', s.name],
    ['Visibility', s.visibility],
    ['Parent', s.appName ?? ''],
    ['Owner', s.owner.name],
    ['Keys', s.keys.map((k) => k.key).join(', ')],
    ['Created At', s.createdAt],
    ['Updated At', s.updatedAt],
  ]);
}

/** KEY=VALUE (split at the first "="); the key's rules are the portal's. */
function splitPair(flag: string, pair: string): [string, string] {
  const at = pair.indexOf('=');
  if (at <= 0) throw new UsageError(`--${flag} takes KEY=${flag === 'from-file' ? 'PATH' : 'VALUE'}, not ${JSON.stringify(pair)}`);
  return [pair.slice(0, at), pair.slice(at + 1)];
}

/** The values to set: literals as given, files read whole as UTF-8 text. */
async function valuesFrom(io: CliIo, values: Record<string, unknown>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const put = (key: string, value: string) => {
    if (Object.hasOwn(out, key)) throw new UsageError(`key ${key} is given twice`);
    out[key] = value;
  };
  for (const pair of (values['from-literal'] as string[] | undefined) ?? []) put(...splitPair('from-literal', pair));
  for (const pair of (values['from-file'] as string[] | undefined) ?? []) {
    const [key, file] = splitPair('from-file', pair);
    const full = path.resolve(io.cwd, file);
    const bytes = await readFile(full).catch((err: NodeJS.ErrnoException) => {
      throw new CliError(`cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
    });
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      throw new CliError(`${file} is not UTF-8 text; secret values are text`);
    }
    put(key, text);
  }
  return out;
}

const scopeQuery = (values: Record<string, unknown>) => {
  const scope = values.scope;
  if (scope === undefined) return '';
  if (scope !== 'private' && scope !== 'shared') throw new UsageError('--scope is private or shared');
  return `?scope=${scope}`;
};

export async function secretCommand(args: string[], io: CliIo): Promise<number> {
  const [verb, ...rest] = args;
  switch (verb) {
    case 'list': {
      const { values, json, target } = await verbArguments(io, rest, { visibility: { type: 'string', short: 'v' } }, { count: 0, usage: USAGE.list });
      const visibility = secretVisibilityOf(values.visibility as string | undefined);
      const all = (await call(await target(), 'GET', '/api/v1/secrets')) as SecretSummary[];
      const list = visibility ? all.filter((s) => s.visibility === visibility) : all;
      print(io, json, list, () => formatSecretList(list));
      return 0;
    }
    case 'get': {
      const { values, positionals, json, target } = await verbArguments(io, rest, SCOPE, { count: 1, usage: USAGE.get });
      const secret = (await call(await target(), 'GET', `/api/v1/secrets/${encodeURIComponent(positionals[0])}${scopeQuery(values)}`)) as SecretSummary;
      print(io, json, secret, () => formatSecret(secret));
      return 0;
    }
    case 'create': {
      const { values, positionals, json, target } = await verbArguments(
        io,
        rest,
        { ...VALUES, visibility: { type: 'string', short: 'v' }, app: { type: 'string' } },
        { count: 1, usage: USAGE.create },
      );
      const data = await valuesFrom(io, values);
      if (Object.keys(data).length === 0) throw new UsageError('give at least one --from-literal KEY=VALUE or --from-file KEY=PATH');
      const visibility = secretVisibilityOf(values.visibility as string | undefined) ?? 'PRIVATE';
      const body = { name: positionals[0], visibility, ...(typeof values.app === 'string' ? { appName: values.app } : {}), values: data };
      const secret = (await call(await target(), 'POST', '/api/v1/secrets', body)) as SecretSummary;
      print(io, json, secret, () => `Created secret ${secret.name} (${secret.visibility}) with keys ${secret.keys.map((k) => k.key).join(', ')}\n`);
      return 0;
    }
    case 'update': {
      const { values, positionals, json, target } = await verbArguments(
        io,
        rest,
        { ...VALUES, ...SCOPE, remove: { type: 'string', multiple: true } },
        { count: 1, usage: USAGE.update },
      );
      const set = await valuesFrom(io, values);
      const remove = (values.remove as string[] | undefined) ?? [];
      if (Object.keys(set).length === 0 && remove.length === 0) throw new UsageError('nothing to change: give --from-literal, --from-file or --remove');
      const secret = (await call(await target(), 'PATCH', `/api/v1/secrets/${encodeURIComponent(positionals[0])}${scopeQuery(values)}`, { set, remove })) as SecretSummary;
      print(io, json, secret, () => `Updated secret ${secret.name}: keys ${secret.keys.map((k) => k.key).join(', ') || '(none)'}\n`);
      return 0;
    }
    case 'delete': {
      const { values, positionals, json, target } = await verbArguments(io, rest, SCOPE, { count: 1, usage: USAGE.delete });
      await call(await target(), 'DELETE', `/api/v1/secrets/${encodeURIComponent(positionals[0])}${scopeQuery(values)}`);
      print(io, json, { deleted: positionals[0] }, () => `Deleted secret ${positionals[0]}\n`);
      return 0;
    }
    default:
      throw new UsageError(verb === undefined ? 'missing sub-command' : `unknown sub-command: ${verb}`);
  }
}
