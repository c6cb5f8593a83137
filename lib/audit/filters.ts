// The audit log page's filters as URL state (who, kind, app, dates, the page), and where an entry links to.
import type { AuditQuery, AuditRow, AuditTarget } from './audit';
import { appUrl } from '@/lib/urls';

export const AUDIT_KINDS: { value: AuditTarget; label: string }[] = [
  { value: 'app', label: 'Apps' },
  { value: 'instance', label: 'Instances' },
  { value: 'alias', label: 'Aliases' },
  { value: 'tag', label: 'Tags' },
  { value: 'secret', label: 'Secrets' },
  { value: 'runtime_version', label: 'Runtime versions' },
  { value: 'user', label: 'Users' },
  { value: 'token', label: 'API tokens' },
  { value: 'sign_in', label: 'Sign-in lockouts' },
];

export interface AuditFilterValues {
  actor: string;
  kind: string;
  app: string;
  from: string;
  to: string;
  before?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 24 * 60 * 60 * 1000;
const one = (v: string | string[] | undefined) => (typeof v === 'string' ? v.trim() : '');

function day(v: string): Date | undefined {
  if (!DATE.test(v)) return undefined;
  const d = new Date(`${v}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** The filters from the page's search parameters; anything malformed is ignored, never an error. */
export function auditFilterFrom(params: Record<string, string | string[] | undefined>): {
  values: AuditFilterValues;
  query: AuditQuery;
  active: boolean;
} {
  const values: AuditFilterValues = { actor: one(params.actor), kind: one(params.kind), app: one(params.app), from: one(params.from), to: one(params.to) };
  const kind = AUDIT_KINDS.find((k) => k.value === values.kind)?.value;
  if (!kind) values.kind = '';
  const from = day(values.from);
  const to = day(values.to);
  if (!from) values.from = '';
  if (!to) values.to = '';
  const before = one(params.before);
  const query: AuditQuery = {
    actor: values.actor || undefined,
    targetType: kind,
    app: values.app || undefined,
    from,
    // "To" is inclusive: entries before the start of the next day.
    to: to ? new Date(to.getTime() + DAY_MS) : undefined,
    before: /^\d+$/.test(before) ? Number(before) : undefined,
  };
  return { values, query, active: Boolean(values.actor || values.kind || values.app || values.from || values.to) };
}

/** The audit page with these filters (empty ones left out). */
export function auditPageUrl(values: Partial<AuditFilterValues>): string {
  const params = new URLSearchParams(Object.entries(values).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
  const query = params.toString();
  return query ? `/admin/audit?${query}` : '/admin/audit';
}

/** Where an entry's subject is shown: the app version's page, the instance, the user on the users page. */
export function auditTargetUrl(entry: Pick<AuditRow, 'targetType' | 'targetId' | 'details'>): string | null {
  const { name, version, email } = entry.details as { name?: unknown; version?: unknown; email?: unknown };
  switch (entry.targetType) {
    case 'app':
      return typeof name === 'string' && typeof version === 'string' ? appUrl(name, version) : null;
    case 'instance':
      return `/instances/${encodeURIComponent(entry.targetId)}`;
    case 'user':
      // The Users page is paged: a search for the e-mail brings the row onto the first page.
      return `/admin/users${typeof email === 'string' ? `?q=${encodeURIComponent(email)}` : ''}#user-${encodeURIComponent(entry.targetId)}`;
    case 'tag':
      return '/admin/tags';
    case 'runtime_version':
      return '/admin/runtimes';
    case 'alias':
      return '/admin/aliases';
    case 'sign_in':
      // The account may not exist (guesses at unknown e-mail addresses are throttled too): a search finds it if it does.
      return `/admin/users?q=${encodeURIComponent(entry.targetId)}`;
    default:
      return null;
  }
}
