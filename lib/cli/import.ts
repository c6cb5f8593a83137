// `appstore import`: streams a .wave bundle to the portal, which validates it and imports it as an app version.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { resolveTarget } from './config-file';
import { CliError, UsageError, parsingArguments } from './errors';
import { bearer, errorMessage, readAnswer, send } from './http';
import { type CliIo, printProblems } from './io';
import { VISIBILITIES, visibilitySchema } from '@/lib/apps/visibility';
import type { Problem } from '../errors';


interface ImportedApp {
  id?: unknown;
  name?: unknown;
  version?: unknown;
  visibility?: unknown;
  url?: unknown;
  warnings?: Problem[];
}

export async function importCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parsingArguments(() =>
    parseArgs({
      args,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        visibility: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      allowPositionals: true,
      strict: true,
    }),
  );
  if (positionals.length !== 1) throw new UsageError(positionals.length ? 'give one FILE only' : 'FILE is required');
  const visibility = values.visibility?.toUpperCase();
  if (visibility !== undefined && !visibilitySchema.safeParse(visibility).success) {
    throw new UsageError(`--visibility must be one of ${VISIBILITIES.join(', ')}`);
  }

  const file = path.resolve(io.cwd, positionals[0]);
  const size = await fileSize(file);
  const target = await resolveTarget(values, io.env);
  if (!target.token) throw new CliError('no API token: run `appstore login` first, or pass --token');

  const endpoint = new URL(`${target.url}/api/v1/apps`);
  if (visibility) endpoint.searchParams.set('visibility', visibility);
  // The bundle goes out as it is read from disk; it is never held in memory whole.
  const res = await send(endpoint.href, {
    method: 'POST',
    headers: {
      ...bearer(target.token),
      'content-type': 'application/octet-stream',
      'content-length': String(size),
      accept: 'application/json',
    },
    body: createReadStream(file) as unknown as BodyInit,
    duplex: 'half',
  });
  const { text, json } = await readAnswer(res);

  if (values.json) {
    io.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
    return res.ok ? 0 : 1;
  }
  if (res.ok) {
    printImported(io, (json ?? {}) as ImportedApp, target.url);
    return 0;
  }
  const invalid = json as { errors?: Problem[]; warnings?: Problem[] } | undefined;
  if (res.status === 400 && Array.isArray(invalid?.errors)) {
    io.stderr.write(`appstore import: the portal refused ${positionals[0]}:\n`);
    printProblems(io.stderr, invalid.errors, '  error: ', target.url);
    printProblems(io.stderr, invalid.warnings ?? [], '  warning: ', target.url);
    return 1;
  }
  throw new CliError(errorMessage(res, json));
}

async function fileSize(file: string): Promise<number> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new CliError(`${file} is not a file`);
    return info.size;
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}

function printImported(io: CliIo, app: ImportedApp, portal: string): void {
  io.stdout.write(`Imported ${String(app.name ?? '?')} ${String(app.version ?? '?')}\n`);
  if (app.id !== undefined) io.stdout.write(`  ID          ${String(app.id)}\n`);
  if (app.visibility !== undefined) io.stdout.write(`  Visibility  ${String(app.visibility)}\n`);
  // The portal answers with a path (`/apps/<name>/<version>`); shown as a link one can open.
  if (typeof app.url === 'string' && app.url) io.stdout.write(`  URL         ${new URL(app.url, portal).href}\n`);
  if (app.warnings?.length) {
    io.stdout.write(`Warnings (${app.warnings.length}):\n`);
    printProblems(io.stdout, app.warnings, '  ');
  }
}
