// `appstore admin alias create|assign|promote|unassign|list|get|delete` and
// `appstore admin instance list|suspend|resume|terminate|disable-autosuspend|enable-autosuspend`, as the
// platform's `h2o admin` writes them (`alias create <name> <instanceId> True`).
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { call } from './api';
import { resolveTarget } from './config-file';
import { CliError, UsageError, parsingArguments } from './errors';
import { bearer, errorMessage, readAnswer, send } from './http';
import { formatBytes } from '@/lib/format';
import { formatInstance, type Instance } from './instances';
import type { CliIo } from './io';
import { formatTable } from './table';

export interface Alias {
  name: string;
  instanceId: string | null;
  primary: boolean;
  active: boolean;
  instanceStatus: string | null;
  app: { name: string; version: string } | null;
  url: string | null;
}

/** `True`/`False` as the platform's CLI takes them (any case; also yes/no, 1/0). */
function flag(value: string | undefined, what: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (/^(true|yes|1)$/i.test(value)) return true;
  if (/^(false|no|0)$/i.test(value)) return false;
  throw new UsageError(`${what} must be True or False, not ${JSON.stringify(value)}`);
}

export function formatAlias(a: Alias): string {
  const rows: [string, string][] = [
    ['Name', a.name],
    ['Instance ID', a.instanceId ?? ''],
    ['Primary', a.primary ? 'true' : 'false'],
    ['Active', a.active ? 'true' : 'false'],
    ['App', a.app ? `${a.app.name} ${a.app.version}` : ''],
    ['URL', a.url ?? ''],
  ];
  return rows.map(([k, v]) => `${k.padEnd(11)}  ${v}`.trimEnd()).join('\n') + '\n';
}

export function formatAliasList(list: Alias[]): string {
  return formatTable(
    ['NAME', 'INSTANCE ID', 'PRIMARY', 'ACTIVE'],
    list.map((a) => [a.name, a.instanceId ?? '', a.primary ? 'true' : 'false', a.active ? 'true' : 'false']),
  );
}

/** An instance as the admin list gives it: with what it uses now, where the runner can read it. */
export interface AdminInstance extends Instance {
  usage?: { memoryBytes: number | null; cpuSeconds: number | null } | null;
}

/** `admin instance list`: who runs what, and what it uses now (empty where the runner cannot read it). */
export function formatAdminInstanceList(list: AdminInstance[]): string {
  return formatTable(
    ['ID', 'APP', 'VERSION', 'OWNER', 'STATUS', 'VISIBILITY', 'MEMORY', 'CPU', 'CREATED AT'],
    list.map((i) => [
      i.id,
      i.app.name,
      i.app.version,
      i.owner.name,
      i.status,
      i.visibility,
      i.usage?.memoryBytes != null ? formatBytes(i.usage.memoryBytes) : '',
      i.usage?.cpuSeconds != null ? `${i.usage.cpuSeconds.toFixed(1)} s` : '',
      i.createdAt,
    ]),
  );
}

const INSTANCE_STATUSES = ['PENDING', 'DEPLOYED', 'SUSPENDED', 'FAILED'];

/** `admin backup [-o FILE]` (through the portal, which takes a consistent snapshot) and `admin restore FILE --data-dir DIR` (local). */
async function backupOrRestore(noun: 'backup' | 'restore', rest: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parsingArguments(() =>
    parseArgs({
      args: rest,
      options: { url: { type: 'string' }, token: { type: 'string' }, output: { type: 'string', short: 'o' }, 'data-dir': { type: 'string' } },
      allowPositionals: true,
      strict: true,
    }),
  );
  if (noun === 'restore') {
    if (positionals.length !== 1 || !values['data-dir']) throw new UsageError('usage: appstore admin restore FILE --data-dir DIR');
    const { restoreArchive, RestoreError } = await import('@/lib/backup/restore');
    const file = path.resolve(io.cwd, positionals[0]);
    const dir = path.resolve(io.cwd, values['data-dir']);
    let files = 0;
    try {
      const manifest = await restoreArchive(fs.createReadStream(file), dir, () => {
        if (++files % 100 === 0) io.stderr.write(`${files} files restored\n`);
      });
      io.stdout.write(
        `Restored ${files} files (${manifest.counts.apps} app versions, ${manifest.counts.users} users, ${manifest.counts.secrets} secrets) from the backup of ${manifest.createdAt} into ${dir}; every checksum matches.\n`,
      );
      if (manifest.keysFromEnvironment.length) io.stdout.write(`Set ${manifest.keysFromEnvironment.join(' and ')} as before: those keys came from the environment and are not in the backup.\n`);
      if (manifest.missingFromStorage?.length) {
        io.stdout.write(`${manifest.missingFromStorage.length} file(s) were already missing from the portal's storage when the backup was taken (their app versions are marked broken), e.g. ${manifest.missingFromStorage[0]}.\n`);
      }
      if (manifest.volumesNotIncluded?.length) {
        io.stdout.write(
          `The volumes of ${manifest.volumesNotIncluded.length} instance(s) are not in the backup (${manifest.volumesNotIncluded.join(', ')}): copy them into RUNNER_DIR/volumes (by default ${path.join(dir, 'runner', 'volumes')}) before starting the portal, or those instances start with empty volumes (README, Operating).\n`,
        );
      }
      return 0;
    } catch (error) {
      if (error instanceof RestoreError || (error as NodeJS.ErrnoException).code === 'ENOENT') throw new CliError((error as Error).message);
      throw error;
    }
  }
  if (positionals.length) throw new UsageError(`unexpected argument: ${positionals[0]}`);
  const target = await resolveTarget(values, io.env);
  const res = await send(`${target.url}/api/v1/admin/backups`, { method: 'POST', headers: bearer(target.token) });
  if (!res.ok || !res.body) throw new CliError(errorMessage(res, (await readAnswer(res)).json));
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'appstore-backup.tar';
  const out = path.resolve(io.cwd, values.output ?? name);
  const partial = `${out}.partial`;
  let bytes = 0;
  const progress = await backupProgress(res.headers, (line) => io.stderr.write(`${line}\n`));
  try {
    await pipeline(
      Readable.fromWeb(res.body as import('node:stream/web').ReadableStream),
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          bytes += chunk.length;
          progress.write(chunk, () => done(null, chunk));
        },
      }),
      fs.createWriteStream(partial, { mode: 0o600 }),
    );
    await progress.finish();
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw new CliError(`the backup broke off after ${bytes} bytes: ${(error as Error).message}`);
  }
  fs.renameSync(partial, out);
  io.stdout.write(`Wrote ${out} (${bytes} bytes). It holds the keys that decrypt secrets: keep it as safe as the server.\n`);
  return 0;
}

const mib = (n: number) => (n / 1024 / 1024).toLocaleString('en', { maximumFractionDigits: 1 });

/**
 * Follows the archive as it arrives (its tar entries, without keeping them) and prints the files and bytes
 * done against the totals the portal announced (X-Backup-Files, X-Backup-Bytes): a line at the start, at
 * every further 5 %, and at the end.
 */
export async function backupProgress(headers: Headers, print: (line: string) => void) {
  const { extract: tarExtract } = await import('tar-stream');
  const totalFiles = Number(headers.get('x-backup-files') ?? NaN);
  const totalBytes = Number(headers.get('x-backup-bytes') ?? NaN);
  const known = Number.isFinite(totalFiles) && Number.isFinite(totalBytes);
  let files = 0;
  let bytes = 0;
  let shown = -1;
  const show = (force = false) => {
    const percent = known && totalBytes > 0 ? Math.floor((bytes / totalBytes) * 100) : 100;
    if (!force && Math.floor(percent / 5) === Math.floor(shown / 5)) return;
    shown = percent;
    print(known ? `${files}/${totalFiles} files, ${mib(bytes)} of ${mib(totalBytes)} MiB (${percent} %)` : `${files} files, ${mib(bytes)} MiB`);
  };
  if (known) print(`Backing up ${totalFiles} files, ${mib(totalBytes)} MiB, and a manifest of their checksums.`);
  const extract = tarExtract();
  extract.on('entry', (header, stream, next) => {
    const isFile = header.name !== 'manifest.json';
    stream.on('data', (chunk: unknown) => {
      if (!isFile) return;
      bytes += (chunk as Buffer).length;
      show();
    });
    stream.on('end', () => {
      if (isFile) files++;
      next();
    });
    stream.resume();
  });
  const ended = new Promise<void>((resolve, reject) => {
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  return {
    write: (chunk: Buffer, done: () => void) => (extract.write(chunk) ? done() : extract.once('drain', done)),
    async finish() {
      extract.end(undefined);
      await ended;
      show(true);
    },
  };
}

interface FsckReport {
  database: string[];
  corrupted: { file: string; sha256: string }[];
  missing: { file: string; apps: string[] }[];
  orphans: string[];
  removed: string[];
  /** App versions marked broken (their pages say so; Run and download refuse). */
  broken?: { id: string; name: string; version: string }[];
  ok: boolean;
}

export function formatFsck(r: FsckReport): string {
  const lines = [
    `Database: ${r.database.length ? r.database.join('; ') : 'ok'}`,
    ...r.corrupted.map((c) => `CORRUPTED  ${c.file} (its bytes hash to ${c.sha256})`),
    ...r.missing.map((m) => `MISSING    ${m.file} (needed by ${m.apps.join(', ')})`),
    ...r.orphans.map((o) => `${r.removed.includes(o) ? 'REMOVED ' : 'ORPHAN  '}   ${o}`),
    r.ok ? 'Everything checks out.' : `${r.corrupted.length} corrupted, ${r.missing.length} missing, ${r.orphans.length - r.removed.length} orphan file(s).`,
    ...(r.broken ?? []).map((b) => `BROKEN     ${b.name} ${b.version} (${b.id}): marked broken until a check finds its files again`),
  ];
  return lines.join('\n') + '\n';
}

async function fsckCommand(rest: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parsingArguments(() =>
    parseArgs({ args: rest, options: { url: { type: 'string' }, token: { type: 'string' }, repair: { type: 'boolean' } }, allowPositionals: true, strict: true }),
  );
  if (positionals.length) throw new UsageError(`unexpected argument: ${positionals[0]}`);
  const report = (await call(await resolveTarget(values, io.env), 'POST', '/api/v1/admin/fsck', { repair: !!values.repair })) as FsckReport;
  io.stdout.write(formatFsck(report));
  return report.ok ? 0 : 1;
}

export async function adminCommand(args: string[], io: CliIo): Promise<number> {
  const [noun, verb, ...rest] = args;
  if (noun === 'backup' || noun === 'restore') return backupOrRestore(noun, args.slice(1), io);
  if (noun === 'fsck') return fsckCommand(args.slice(1), io);
  const listFilters = noun === 'instance' && verb === 'list';
  const { values, positionals } = parsingArguments(() =>
    parseArgs({
      args: rest,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        // Only `instance list` takes these (parseArgs refuses them elsewhere).
        ...(listFilters ? { app: { type: 'string' as const }, owner: { type: 'string' as const }, status: { type: 'string' as const } } : {}),
      },
      allowPositionals: true,
      strict: true,
    }),
  );
  const target = () => resolveTarget({ url: values.url as string | undefined, token: values.token as string | undefined }, io.env);
  /** Exactly `count` arguments, or up to `max` (an optional last one). */
  const need = (count: number, usage: string, max = count) => {
    if (positionals.length < count || positionals.length > max) throw new UsageError(`usage: appstore admin ${noun} ${verb} ${usage}`);
  };
  const alias = (name: string) => `/api/v1/aliases/${encodeURIComponent(name)}`;
  const print = (a: unknown) => io.stdout.write(formatAlias(a as Alias));

  if (noun === 'alias') {
    switch (verb) {
      case 'list':
        need(0, '');
        io.stdout.write(formatAliasList((await call(await target(), 'GET', '/api/v1/aliases')) as Alias[]));
        return 0;
      case 'get':
        need(1, '<name>');
        print(await call(await target(), 'GET', alias(positionals[0])));
        return 0;
      case 'create':
        need(2, '<name> <instanceId> [True|False]', 3);
        print(await call(await target(), 'POST', '/api/v1/aliases', { name: positionals[0], instanceId: positionals[1], primary: flag(positionals[2], 'primary') ?? false }));
        return 0;
      case 'assign': {
        need(2, '<name> <instanceId> [True|False]', 3);
        const primary = flag(positionals[2], 'primary');
        print(await call(await target(), 'PATCH', alias(positionals[0]), { instanceId: positionals[1], ...(primary === undefined ? {} : { primary }) }));
        return 0;
      }
      case 'promote':
        need(1, '<name>');
        print(await call(await target(), 'PATCH', alias(positionals[0]), { primary: true }));
        return 0;
      case 'unassign':
        need(1, '<name>');
        print(await call(await target(), 'PATCH', alias(positionals[0]), { instanceId: null }));
        return 0;
      case 'delete':
        need(1, '<name>');
        await call(await target(), 'DELETE', alias(positionals[0]));
        io.stdout.write(`Deleted alias ${positionals[0]}\n`);
        return 0;
    }
  }
  if (noun === 'instance') {
    const instance = (id: string) => `/api/v1/instances/${encodeURIComponent(id)}`;
    switch (verb) {
      case 'list': {
        need(0, '[--app APP] [--owner NAME_OR_EMAIL] [--status STATUS]');
        const status = values.status as string | undefined;
        if (status !== undefined && !INSTANCE_STATUSES.includes(status.toUpperCase())) {
          throw new UsageError(`--status is one of ${INSTANCE_STATUSES.join(', ')}, not ${JSON.stringify(status)}`);
        }
        const query = new URLSearchParams({ all: '1' });
        if (values.app) query.set('app', values.app as string);
        if (values.owner) query.set('owner', values.owner as string);
        if (status) query.set('status', status.toUpperCase());
        io.stdout.write(formatAdminInstanceList((await call(await target(), 'GET', `/api/v1/instances?${query}`)) as AdminInstance[]));
        return 0;
      }
      case 'disable-autosuspend':
      case 'enable-autosuspend':
        need(1, '<instanceId>');
        io.stdout.write(formatInstance((await call(await target(), 'PATCH', instance(positionals[0]), { autoSuspend: verb === 'enable-autosuspend' })) as Instance));
        return 0;
      case 'suspend':
      case 'resume':
        need(1, '<instanceId>');
        io.stdout.write(formatInstance((await call(await target(), 'POST', `${instance(positionals[0])}/${verb}`)) as Instance));
        return 0;
      case 'terminate':
        need(1, '<instanceId>');
        await call(await target(), 'DELETE', instance(positionals[0]));
        io.stdout.write(`Terminated ${positionals[0]}\n`);
        return 0;
    }
  }
  throw new UsageError(noun === undefined ? 'missing sub-command' : `unknown sub-command: ${[noun, verb].filter(Boolean).join(' ')}`);
}
