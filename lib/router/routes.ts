// Which requests are instance traffic, and where an instance lives, in both routing forms of the platform:
// BASE_URL `/instance/<id>/…` or `/alias/<name>/…` on the portal (or APPS_ORIGIN) and DOMAIN
// `<id or alias>.<APPS_DOMAIN>`. Pure functions.

export type RoutingMode = 'BASE_URL' | 'DOMAIN';

export interface RouterSettings {
  /** host[:port] under which app hosts live, e.g. `apps.example.com` or `localhost:3000`. */
  appsDomain: string;
  /** Origin that serves BASE_URL instance traffic: the portal's own, or APPS_ORIGIN. */
  baseOrigin: string;
  /** `http` or `https`: the scheme app hosts are reached with. */
  appsScheme: 'http' | 'https';
}

export interface InstanceRequest {
  /** The instance id (a UUID) or, on DOMAIN routing, a host label that may be an alias. */
  label: string;
  form: RoutingMode;
  /** Path and query as the app sees it under its base: always starts with `/`. */
  rest: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const BASE_PREFIX = /^\/instance\/([^/?#]+)(\/[^]*|\?[^]*)?$/;
const ALIAS_PREFIX = /^\/alias\/([^/?#]+)(\/[^]*|\?[^]*)?$/;

export function isInstanceId(value: string): boolean {
  return UUID.test(value);
}

/** A DNS label usable as an alias: lowercase letters, digits and `-`, at most 63 characters, not a UUID. */
export function aliasNameProblem(name: string): string | null {
  if (!LABEL.test(name)) return 'An alias is a DNS label: lowercase letters, digits and "-", at most 63 characters, not starting or ending with "-".';
  if (UUID.test(name)) return 'An alias cannot look like an instance id (a UUID).';
  return null;
}

/**
 * The prefix an instance is served under on BASE_URL routing (what `H2O_WAVE_BASE_URL` is set to): its
 * own `/instance/<id>/`, or `/alias/<name>/` for a label that is an alias.
 */
export function basePath(label: string): string {
  return UUID.test(label) ? `/instance/${label}/` : `/alias/${label}/`;
}

/**
 * Classifies a request by its Host header and URL. Null: not instance traffic (Next handles it).
 * A host is an app host only when it is exactly one DNS label under APPS_DOMAIN (ports must match too).
 */
export function parseInstanceRequest(host: string | undefined, url: string, settings: RouterSettings): InstanceRequest | null {
  const hostname = (host ?? '').toLowerCase();
  const suffix = `.${settings.appsDomain.toLowerCase()}`;
  if (hostname.endsWith(suffix)) {
    const label = hostname.slice(0, -suffix.length);
    if (LABEL.test(label)) return { label, form: 'DOMAIN', rest: url.startsWith('/') ? url : `/${url}` };
    return null;
  }
  const byId = BASE_PREFIX.exec(url);
  const byAlias = byId ? null : ALIAS_PREFIX.exec(url);
  const match = byId ?? byAlias;
  if (!match) return null;
  const label = match[1].toLowerCase();
  if (byId ? !UUID.test(label) : aliasNameProblem(label) !== null) return null;
  const tail = match[2] ?? '';
  return { label, form: 'BASE_URL', rest: tail.startsWith('/') ? tail : `/${tail}` };
}

/** Absolute URL of an instance in a routing form (used for links and for the 307 between forms). */
export function instanceUrl(label: string, form: RoutingMode, settings: RouterSettings, rest = '/'): string {
  if (form === 'DOMAIN') return `${settings.appsScheme}://${label}.${settings.appsDomain}${rest}`;
  return `${settings.baseOrigin}${basePath(label).slice(0, -1)}${rest}`;
}

/**
 * The URI the app receives: on BASE_URL the full request URI under the base the app was started with
 * (`startedBase`: the prefix it knows, even when it is now reached through another one), on DOMAIN the path as sent.
 */
export function upstreamPath(request: InstanceRequest, startedBase: string): string {
  return request.form === 'BASE_URL' ? `${startedBase.slice(0, -1)}${request.rest}` : request.rest;
}
