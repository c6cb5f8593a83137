// Which requests are instance traffic, and where an instance lives, in both routing forms of the platform:
// BASE_URL `/instance/<id>/…` on the portal (or APPS_ORIGIN) and DOMAIN `<id>.<APPS_DOMAIN>`. Pure functions.

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

export function isInstanceId(value: string): boolean {
  return UUID.test(value);
}

/** The prefix an instance is served under on BASE_URL routing (what `H2O_WAVE_BASE_URL` is set to). */
export function basePath(instanceId: string): string {
  return `/instance/${instanceId}/`;
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
  const match = BASE_PREFIX.exec(url);
  if (!match) return null;
  const id = match[1].toLowerCase();
  if (!UUID.test(id)) return null;
  const tail = match[2] ?? '';
  return { label: id, form: 'BASE_URL', rest: tail.startsWith('/') ? tail : `/${tail}` };
}

/** Absolute URL of an instance in a routing form (used for links and for the 307 between forms). */
export function instanceUrl(label: string, form: RoutingMode, settings: RouterSettings, rest = '/'): string {
  if (form === 'DOMAIN') return `${settings.appsScheme}://${label}.${settings.appsDomain}${rest}`;
  return `${settings.baseOrigin}${basePath(label).slice(0, -1)}${rest}`;
}

/** The URI the app receives: on BASE_URL the full request URI (its base included), on DOMAIN the path as sent. */
export function upstreamPath(request: InstanceRequest): string {
  return request.form === 'BASE_URL' ? `${basePath(request.label).slice(0, -1)}${request.rest}` : request.rest;
}
