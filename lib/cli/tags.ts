// `appstore tag list|get` for full-access users and `tag create|update|delete` for administrators, through
// the REST API (the portal decides who may: a refusal is its one-line message and exit 1).
import type { TagView } from '@/lib/tags/tags';
import { call, formatFields, print, verbArguments } from './api';
import { UsageError } from './errors';
import type { CliIo } from './io';
import { formatTable } from './table';

// The API answers a tag as lib/tags shapes it (dates arrive as strings; the CLI prints none).
type Tag = TagView;

const FIELDS = {
  title: { type: 'string' },
  description: { type: 'string' },
  color: { type: 'string' },
  category: { type: 'boolean' },
  'no-category': { type: 'boolean' },
  'admin-roles': { type: 'string' },
  'visitor-roles': { type: 'string' },
  name: { type: 'string' },
} as const;

const USAGE = {
  list: 'tag list',
  get: 'tag get <TAG>',
  create: 'tag create <NAME> --title TITLE [--description D] [--color #rrggbb] [--category] [--admin-roles R,R] [--visitor-roles R,R]',
  update: 'tag update <TAG> [--name N] [--title T] [--description D] [--color C] [--category | --no-category] [--admin-roles R,R] [--visitor-roles R,R]',
  delete: 'tag delete <TAG>',
};

export function formatTagList(list: Tag[]): string {
  return formatTable(
    ['ID', 'NAME', 'TITLE', 'KIND', 'CATEGORY', 'VISITOR ROLES'],
    list.map((t) => [t.id, t.name, t.title, t.kind, t.isCategory ? 'yes' : '', t.visitorRoles.join(',')]),
  );
}

export function formatTag(t: Tag): string {
  return formatFields([
    ['ID', t.id],
    ['Name', t.name],
    ['Title', t.title],
    ['Description', t.description],
    ['Colour', t.color],
    ['Kind', t.kind],
    ['Category', t.isCategory ? 'yes' : 'no'],
    ['Admin Roles', t.adminRoles.join(', ')],
    ['Visitor Roles', t.visitorRoles.join(', ')],
  ]);
}

const roles = (v: unknown) => (typeof v === 'string' ? v.split(/[\s,]+/).filter(Boolean) : undefined);

/** The tag fields given as flags, in the API's names; absent flags are left out. */
function tagBody(values: Record<string, unknown>): Record<string, unknown> {
  if (values.category && values['no-category']) throw new UsageError('give --category or --no-category, not both');
  const body: Record<string, unknown> = {
    name: values.name,
    title: values.title,
    description: values.description,
    color: values.color,
    isCategory: values.category ? true : values['no-category'] ? false : undefined,
    adminRoles: roles(values['admin-roles']),
    visitorRoles: roles(values['visitor-roles']),
  };
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}

const tagPath = (ref: string) => `/api/v1/tags/${encodeURIComponent(ref)}`;

export async function tagCommand(args: string[], io: CliIo): Promise<number> {
  const [verb, ...rest] = args;
  switch (verb) {
    case 'list': {
      const { json, target } = await verbArguments(io, rest, {}, { count: 0, usage: USAGE.list });
      const list = (await call(await target(), 'GET', '/api/v1/tags')) as Tag[];
      print(io, json, list, () => formatTagList(list));
      return 0;
    }
    case 'get': {
      const { positionals, json, target } = await verbArguments(io, rest, {}, { count: 1, usage: USAGE.get });
      const tag = (await call(await target(), 'GET', tagPath(positionals[0]))) as Tag;
      print(io, json, tag, () => formatTag(tag));
      return 0;
    }
    case 'create': {
      const { values, positionals, json, target } = await verbArguments(io, rest, FIELDS, { count: 1, usage: USAGE.create });
      if (values.name !== undefined) throw new UsageError('the name is the argument of tag create, not --name');
      if (typeof values.title !== 'string') throw new UsageError('tag create needs --title');
      const tag = (await call(await target(), 'POST', '/api/v1/tags', { ...tagBody(values), name: positionals[0] })) as Tag;
      print(io, json, tag, () => formatTag(tag));
      return 0;
    }
    case 'update': {
      const { values, positionals, json, target } = await verbArguments(io, rest, FIELDS, { count: 1, usage: USAGE.update });
      const body = tagBody(values);
      if (Object.keys(body).length === 0) throw new UsageError('nothing to change: give at least one field flag');
      const tag = (await call(await target(), 'PATCH', tagPath(positionals[0]), body)) as Tag;
      print(io, json, tag, () => formatTag(tag));
      return 0;
    }
    case 'delete': {
      const { positionals, json, target } = await verbArguments(io, rest, {}, { count: 1, usage: USAGE.delete });
      await call(await target(), 'DELETE', tagPath(positionals[0]));
      print(io, json, { deleted: positionals[0] }, () => `Deleted tag ${positionals[0]}\n`);
      return 0;
    }
    default:
      throw new UsageError(verb === undefined ? 'missing sub-command' : `unknown sub-command: ${verb}`);
  }
}
