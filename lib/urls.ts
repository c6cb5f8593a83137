// The portal's own URLs, built in one place: pages, assets, API resources and sign-in with a way back.
const seg = encodeURIComponent;

/** An app's page: its newest visible version, or one version. */
export function appUrl(name: string, version?: string): string {
  return version === undefined ? `/apps/${seg(name)}` : `/apps/${seg(name)}/${seg(version)}`;
}

/** Where a LINK app's Visit button goes (redirects to its Link.Address). */
export const visitUrl = (name: string, version: string): string => `${appUrl(name, version)}/visit`;

/** The icon, or screenshot `position` (0-based) of an app version. */
export function assetUrl(appId: string, asset: { kind: 'icon' } | { kind: 'screenshot'; position: number }): string {
  return asset.kind === 'icon' ? `/assets/${seg(appId)}/icon` : `/assets/${seg(appId)}/screenshot-${asset.position + 1}`;
}

/** Parses the last segment of an asset URL (`icon`, `screenshot-<n>`). */
export function parseAssetSegment(segment: string): { kind: 'icon' | 'screenshot'; position: number } | null {
  if (segment === 'icon') return { kind: 'icon', position: 0 };
  const match = /^screenshot-([1-9]\d{0,3})$/.exec(segment);
  return match ? { kind: 'screenshot', position: Number(match[1]) - 1 } : null;
}

/** A route segment as text; a malformed escape is kept as it is (and then simply matches nothing). */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** An app version in the REST API, and its original bundle. */
export const apiAppUrl = (appId: string): string => `/api/v1/apps/${seg(appId)}`;
export const bundleDownloadUrl = (appId: string): string => `${apiAppUrl(appId)}/bundle`;

/**
 * The sign-in page, coming back to `returnTo` (a path on this portal) afterwards; with `error`, the page says
 * why the last sign-in failed (a code of lib/auth/oidc-errors.ts).
 */
export function loginUrl(returnTo?: string, options: { error?: string } = {}): string {
  const query = [options.error ? `error=${seg(options.error)}` : '', returnTo ? `next=${seg(returnTo)}` : ''].filter(Boolean).join('&');
  return query ? `/login?${query}` : '/login';
}

/** My secrets; with `prefill`, its New private secret form starts with that name and those keys (values stay empty). */
export function mySecretsUrl(prefill?: { name: string; keys: string[] }): string {
  if (!prefill) return '/my-secrets';
  const query = new URLSearchParams({ name: prefill.name });
  if (prefill.keys.length > 0) query.set('keys', prefill.keys.join(','));
  return `/my-secrets?${query}#create-secret`;
}
