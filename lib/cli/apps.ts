// `appstore app list|get|update|tag|delete|download`: the app versions the caller may see, through the REST API,
// printed like the platform's `h2o app` (a table, or key/value fields; --json prints the portal's JSON).
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { call, callAllPages, formatFields, print, resolveAppId, verbArguments, visibilityOf } from './api';
import { CliError, UsageError } from './errors';
import { bearer, errorMessage, readAnswer, send } from './http';
import type { CliIo } from './io';
import { promptLine } from './prompt';
import type { Target } from './config-file';
import { formatTable } from './table';

export interface AppVersion {
  id: string;
  name: string;
  version: string;
  title: string;
  description: string;
  visibility: string;
  kind: string;
  owner: { id: string; name: string; email?: string };
  runtimeVersion: string | null;
  tags: { id: string; name: string; title: string }[];
  importedAt: string;
  url: string;
}

const tagNames = (a: AppVersion) => a.tags.map((t) => t.name).join(',');

export function formatAppList(list: AppVersion[]): string {
  return formatTable(
    ['ID', 'TITLE', 'NAME', 'OWNER', 'CREATED', 'VISIBILITY', 'TAGS'],
    list.map((a) => [a.id, `${a.title} ${a.version}`, a.name, a.owner.name, a.importedAt, a.visibility, tagNames(a)]),
  );
}

export function formatApp(a: AppVersion): string {
  return formatFields([
    ['ID', a.id],
    ['Title', a.title],
    ['Name', a.name],
    ['Version', a.version],
    ['Kind', a.kind],
    ['Runtime Version', a.runtimeVersion ?? ''],
    ['Created At', a.importedAt],
    ['Owner', a.owner.name],
    ['Visibility', a.visibility],
    ['Description', a.description],
    ['Tags', tagNames(a)],
    ['URL', a.url],
  ]);
}

const USAGE = {
  list: 'app list [--mine] [--name NAME]',
  get: 'app get <APP>',
  update: 'app update <APP> -v VISIBILITY',
  tag: 'app tag add|remove <APP> <TAG>',
  delete: 'app delete <APP> [--force]',
  download: 'app download <APP> [-o FILE]',
};

interface InstanceOfVersion {
  id: string;
  status: string;
  owner: string;
  url: string;
}

/**
 * Deletes an app version. One with instances is refused by the portal with their list: they are shown, and
 * the deletion goes ahead with --force, or when a person at a terminal answers yes. Returns the instances
 * that keep running.
 */
async function deleteConfirmed(t: Target, io: CliIo, id: string, force: boolean): Promise<string[]> {
  const attempt = async (confirmed: boolean) => {
    const res = await send(`${t.url}/api/v1/apps/${id}${confirmed ? '?force=true' : ''}`, { method: 'DELETE', headers: { ...bearer(t.token), accept: 'application/json' } });
    return { res, json: (await readAnswer(res)).json };
  };
  let { res, json } = await attempt(force);
  const instances = (json as { error?: { instances?: InstanceOfVersion[] } } | undefined)?.error?.instances;
  if (res.status === 409 && instances?.length) {
    io.stderr.write(`${errorMessage(res, json)}\n${instances.map((i) => `  ${i.id}  ${i.status}  ${i.owner}  ${i.url}`).join('\n')}\n`);
    if (!io.stdin.isTTY) throw new CliError('not deleted: run again with --force to delete it and leave these instances running');
    const answer = await promptLine(io, 'Delete it anyway? They keep running. [y/N] ');
    if (!/^y(es)?$/i.test(answer.trim())) throw new CliError('not deleted');
    ({ res, json } = await attempt(true));
  }
  if (!res.ok) throw new CliError(errorMessage(res, json));
  return instances?.map((i) => i.id) ?? [];
}

export async function appVersionCommand(verb: string | undefined, args: string[], io: CliIo): Promise<number> {
  switch (verb) {
    case 'list': {
      const { values, json, target } = await verbArguments(io, args, { mine: { type: 'boolean' }, name: { type: 'string' } }, { count: 0, usage: USAGE.list });
      const query: Record<string, string> = {};
      if (values.mine) query.mine = '1';
      if (typeof values.name === 'string') query.name = values.name;
      const list = await callAllPages<AppVersion>(await target(), '/api/v1/apps', query);
      print(io, json, list, () => formatAppList(list));
      return 0;
    }
    case 'get': {
      const { positionals, json, target } = await verbArguments(io, args, {}, { count: 1, usage: USAGE.get });
      const t = await target();
      const app = (await call(t, 'GET', `/api/v1/apps/${await resolveAppId(t, positionals[0])}`)) as AppVersion;
      print(io, json, app, () => formatApp(app));
      return 0;
    }
    case 'update': {
      const { values, positionals, json, target } = await verbArguments(io, args, { visibility: { type: 'string', short: 'v' } }, { count: 1, usage: USAGE.update });
      const visibility = visibilityOf(values.visibility as string | undefined);
      if (!visibility) throw new UsageError('app update needs -v VISIBILITY');
      const t = await target();
      const app = (await call(t, 'PATCH', `/api/v1/apps/${await resolveAppId(t, positionals[0])}`, { visibility })) as AppVersion;
      print(io, json, app, () => formatApp(app));
      return 0;
    }
    case 'tag': {
      const [action, ...rest] = args;
      if (action !== 'add' && action !== 'remove') throw new UsageError(`usage: ${USAGE.tag}`);
      const { positionals, json, target } = await verbArguments(io, rest, {}, { count: 2, usage: USAGE.tag });
      const [ref, tag] = positionals;
      const t = await target();
      const id = await resolveAppId(t, ref);
      const current = (await call(t, 'GET', `/api/v1/apps/${id}`)) as AppVersion;
      const has = (x: { id: string; name: string }) => x.id === tag || x.name.toLowerCase() === tag.toLowerCase();
      if (action === 'remove' && !current.tags.some(has)) throw new CliError(`${current.name} ${current.version} has no tag ${tag}`);
      // The API takes the complete set of tags, by id or name.
      const tags = action === 'add' ? [...current.tags.map((x) => x.id), tag] : current.tags.filter((x) => !has(x)).map((x) => x.id);
      const app = (await call(t, 'PATCH', `/api/v1/apps/${id}`, { tags })) as AppVersion;
      print(io, json, app, () => formatApp(app));
      return 0;
    }
    case 'delete': {
      const { values, positionals, json, target } = await verbArguments(io, args, { force: { type: 'boolean', short: 'f' } }, { count: 1, usage: USAGE.delete });
      const t = await target();
      const id = await resolveAppId(t, positionals[0]);
      const app = (await call(t, 'GET', `/api/v1/apps/${id}`)) as AppVersion;
      const kept = await deleteConfirmed(t, io, id, values.force === true);
      print(io, json, { deleted: { id, name: app.name, version: app.version }, instancesKeptRunning: kept }, () =>
        `Deleted ${app.name} ${app.version} (${id})${kept.length ? `; ${kept.length} instance(s) keep running: ${kept.join(', ')}` : ''}\n`,
      );
      return 0;
    }
    case 'download': {
      const { values, positionals, json, target } = await verbArguments(io, args, { output: { type: 'string', short: 'o' } }, { count: 1, usage: USAGE.download });
      const t = await target();
      const id = await resolveAppId(t, positionals[0]);
      const app = (await call(t, 'GET', `/api/v1/apps/${id}`)) as AppVersion;
      const file = path.resolve(io.cwd, typeof values.output === 'string' ? values.output : `${app.name}.${app.version}.wave`);
      const bytes = await downloadTo(`${t.url}/api/v1/apps/${id}/bundle`, t.token, file);
      print(io, json, { file, bytes }, () => `Downloaded ${app.name} ${app.version} to ${file} (${bytes} bytes)\n`);
      return 0;
    }
    default:
      throw new UsageError(verb === undefined ? 'missing sub-command' : `unknown sub-command: ${verb}`);
  }
}

/** Streams the bundle to a temporary file beside `file` and renames it: no half-written bundle is left. */
async function downloadTo(url: string, token: string | null, file: string): Promise<number> {
  const res = await send(url, { headers: bearer(token) });
  if (!res.ok || !res.body) throw new CliError(errorMessage(res, (await readAnswer(res)).json));
  const temp = `${file}.${process.pid}.part`;
  let bytes = 0;
  try {
    const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream);
    body.on('data', (chunk: Buffer) => (bytes += chunk.length));
    await pipeline(body, createWriteStream(temp, { flags: 'wx' }));
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw new CliError(`cannot write ${file}: ${(err as Error).message}`);
  }
  return bytes;
}
