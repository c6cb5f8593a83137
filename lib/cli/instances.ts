// `appstore app run` and `appstore instance list|get|status|logs|suspend|resume|terminate|update`: running
// app instances through the portal's API, printing the platform CLI's fields.
import { parseArgs } from 'node:util';
import { call, COMMON, resolveAppId, visibilityOf } from './api';
import { resolveTarget, type Target } from './config-file';
import { CliError, UsageError, parsingArguments } from './errors';
import { bearer, errorMessage, readAnswer, send } from './http';
import type { CliIo } from './io';
import { formatTable } from './table';

export interface Instance {
  id: string;
  app: { id: string; name: string; version: string; title: string };
  owner: { id: string; name: string };
  status: string;
  stage: string | null;
  visibility: string;
  url: string;
  createdAt: string;
  updatedAt: string;
  suspendAfter: string | null;
  suspendable: boolean;
  reason: string | null;
}

/** The platform's instance fields, one per line. */
export function formatInstance(i: Instance): string {
  const rows: [string, string][] = [
    ['ID', i.id],
    ['App', `${i.app.name} ${i.app.version}`],
    ['App ID', i.app.id],
    ['Created At', i.createdAt],
    ['Updated At', i.updatedAt],
    ['Status', i.status],
    ['Visibility', i.visibility],
    ['URL', i.url],
    ['Owner', i.owner.name],
    ['Suspendable', i.suspendable ? 'true' : 'false'],
    ['Suspend After', i.suspendAfter ?? ''],
  ];
  if (i.reason) rows.push(['Reason', i.reason]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`.trimEnd()).join('\n') + '\n';
}

export function formatInstanceList(list: Instance[]): string {
  return formatTable(
    ['ID', 'APP', 'VERSION', 'STATUS', 'VISIBILITY', 'CREATED AT'],
    list.map((i) => [i.id, i.app.name, i.app.version, i.status, i.visibility, i.createdAt]),
  );
}

async function waitUntilSettled(target: Target, id: string, io: CliIo): Promise<Instance> {
  let last = '';
  for (;;) {
    const instance = (await call(target, 'GET', `/api/v1/instances/${id}`)) as Instance;
    const now = instance.status === 'PENDING' ? `PENDING (${instance.stage ?? 'starting'})` : instance.status;
    if (now !== last) io.stderr.write(`${now}\n`);
    last = now;
    if (instance.status !== 'PENDING') return instance;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The `app` noun: `run` starts an instance; the other verbs manage app versions (./apps.ts). */
export async function appCommand(args: string[], io: CliIo): Promise<number> {
  const [verb, ...rest] = args;
  if (verb !== 'run') return (await import('./apps')).appVersionCommand(verb, rest, io);
  const { values, positionals } = parsingArguments(() =>
    parseArgs({ args: rest, options: { ...COMMON, visibility: { type: 'string', short: 'v' }, wait: { type: 'boolean' } }, allowPositionals: true, strict: true }),
  );
  if (positionals.length !== 1) throw new UsageError('give one app id, name or name@version');
  const target = await resolveTarget(values, io.env);
  const appId = await resolveAppId(target, positionals[0]);
  const visibility = visibilityOf(values.visibility);
  let instance = (await call(target, 'POST', '/api/v1/instances', { appId, ...(visibility ? { visibility } : {}) })) as Instance;
  if (values.wait) instance = await waitUntilSettled(target, instance.id, io);
  io.stdout.write(formatInstance(instance));
  return values.wait && instance.status !== 'DEPLOYED' ? 1 : 0;
}

export async function instanceCommand(args: string[], io: CliIo): Promise<number> {
  const [verb, ...rest] = args;
  const { values, positionals } = parsingArguments(() =>
    parseArgs({
      args: rest,
      options: { ...COMMON, all: { type: 'boolean' }, follow: { type: 'boolean', short: 'f' }, visibility: { type: 'string', short: 'v' } },
      allowPositionals: true,
      strict: true,
    }),
  );
  const target = async () => resolveTarget(values, io.env);
  const one = () => {
    if (positionals.length !== 1) throw new UsageError(`instance ${verb} needs one instance id`);
    return encodeURIComponent(positionals[0]);
  };
  switch (verb) {
    case 'list': {
      const list = (await call(await target(), 'GET', `/api/v1/instances${values.all ? '?all=1' : ''}`)) as Instance[];
      io.stdout.write(formatInstanceList(list));
      return 0;
    }
    case 'get':
      io.stdout.write(formatInstance((await call(await target(), 'GET', `/api/v1/instances/${one()}`)) as Instance));
      return 0;
    case 'status': {
      const i = (await call(await target(), 'GET', `/api/v1/instances/${one()}`)) as Instance;
      const rows: [string, string][] = [['Status', i.status]];
      if (i.stage) rows.push(['Stage', i.stage]);
      if (i.reason) rows.push(['Reason', i.reason]);
      io.stdout.write(rows.map(([k, v]) => `${k.padEnd(6)}  ${v}`).join('\n') + '\n');
      return 0;
    }
    case 'logs': {
      const t = await target();
      const res = await send(`${t.url}/api/v1/instances/${one()}/logs${values.follow ? '?follow=1' : ''}`, { headers: bearer(t.token) });
      if (!res.ok) throw new CliError(errorMessage(res, (await readAnswer(res)).json));
      const decoder = new TextDecoder();
      if (res.body) {
        const reader = res.body.getReader();
        for (let next = await reader.read(); !next.done; next = await reader.read()) io.stdout.write(decoder.decode(next.value, { stream: true }));
      }
      return 0;
    }
    case 'suspend':
    case 'resume':
      io.stdout.write(formatInstance((await call(await target(), 'POST', `/api/v1/instances/${one()}/${verb}`)) as Instance));
      return 0;
    case 'terminate':
      await call(await target(), 'DELETE', `/api/v1/instances/${one()}`);
      io.stdout.write(`Terminated ${positionals[0]}\n`);
      return 0;
    case 'update': {
      const visibility = visibilityOf(values.visibility);
      if (!visibility) throw new UsageError('instance update needs -v VISIBILITY');
      io.stdout.write(formatInstance((await call(await target(), 'PATCH', `/api/v1/instances/${one()}`, { visibility })) as Instance));
      return 0;
    }
    default:
      throw new UsageError(verb === undefined ? 'missing sub-command' : `unknown sub-command: ${verb}`);
  }
}
