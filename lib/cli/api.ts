// What the resource commands (app, secret, tag, instance) share: one JSON call to the portal's REST API,
// the common --url/--token/--json options, and printing either a table or the portal's JSON.
import { parseArgs } from 'node:util';
import semver from 'semver';
import type { z } from 'zod';
import { API_PAGE_MAX } from '@/lib/api/paging';
import { VISIBILITIES, visibilitySchema, type Visibility } from '@/lib/apps/visibility';
import { resolveTarget, type Target } from './config-file';
import { CliError, UsageError, parsingArguments } from './errors';
import { bearer, errorMessage, readAnswer, send } from './http';
import type { CliIo } from './io';

export const COMMON = { url: { type: 'string' }, token: { type: 'string' } } as const;

/** One API call; an error answer becomes a CliError with the portal's message (exit 1). */
export async function call(target: Target, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await send(`${target.url}${path}`, {
    method,
    headers: { ...bearer(target.token), accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const { json } = await readAnswer(res);
  if (!res.ok) throw new CliError(errorMessage(res, json));
  return json;
}

/**
 * Every item of one of /api/v1's paged lists (lib/api/paging.ts): the largest pages, one after the other, until one
 * comes back shorter. A portal that answers more than was asked for does not page: its answer is the whole list.
 */
export async function callAllPages<T>(target: Target, path: string, params: Record<string, string> = {}): Promise<T[]> {
  const all: T[] = [];
  for (;;) {
    const query = new URLSearchParams({ ...params, limit: String(API_PAGE_MAX), offset: String(all.length) });
    const page = (await call(target, 'GET', `${path}?${query}`)) as T[];
    if (page.length > API_PAGE_MAX) return page;
    all.push(...page);
    if (page.length < API_PAGE_MAX) return all;
  }
}

/** An app or instance visibility from the command line, in any letter case, parsed by lib/apps/visibility. */
export function visibilityOf(value: string | undefined): Visibility | undefined {
  return visibilityFrom(value, VISIBILITIES, visibilitySchema);
}

/** A visibility from the command line parsed by `schema`; anything else is a usage error naming `allowed`. */
export function visibilityFrom<T>(value: string | undefined, allowed: readonly string[], schema: z.ZodType<T>): T | undefined {
  if (value === undefined) return undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UsageError(`visibility must be one of ${allowed.join(', ')}`);
  return parsed.data;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An app id, or `name` / `name@version` resolved to the newest (or that) version the caller may see. */
export async function resolveAppId(target: Target, ref: string): Promise<string> {
  if (UUID.test(ref)) return ref;
  const at = ref.lastIndexOf('@');
  const name = at > 0 ? ref.slice(0, at) : ref;
  const version = at > 0 ? ref.slice(at + 1) : null;
  const list = (await call(target, 'GET', `/api/v1/apps?name=${encodeURIComponent(name)}&limit=1000`)) as { id: string; name: string; version: string }[];
  const versions = list.filter((a) => a.name === name && (version === null || a.version === version));
  if (versions.length === 0) throw new CliError(`no app ${ref} that you may see`);
  versions.sort((a, b) => semver.rcompare(a.version, b.version));
  return versions[0].id;
}

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/** A verb's arguments with the common options and --json; `count` positionals exactly, named in `usage`. */
export async function verbArguments<O extends Options>(
  io: CliIo,
  args: string[],
  options: O,
  positional: { count: number; usage: string },
) {
  const { values, positionals } = parsingArguments(() =>
    parseArgs({ args, options: { ...COMMON, json: { type: 'boolean' }, ...options }, allowPositionals: true, strict: true }),
  );
  if (positionals.length !== positional.count) throw new UsageError(`usage: ${positional.usage}`);
  const v = values as Record<string, unknown>;
  const target = () => resolveTarget({ url: v.url as string | undefined, token: v.token as string | undefined }, io.env);
  return { values: v, positionals, json: v.json === true, target };
}

/** `--json` prints the portal's answer as it came; otherwise the human form. */
export function print(io: CliIo, json: boolean, value: unknown, human: () => string): void {
  io.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : human());
}

/** Key/value lines, keys padded, as the platform's CLI prints one resource. */
export function formatFields(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`.trimEnd()).join('\n') + '\n';
}
