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

/** An app version in the REST API, and its original bundle. */
export const apiAppUrl = (appId: string): string => `/api/v1/apps/${seg(appId)}`;
export const bundleDownloadUrl = (appId: string): string => `${apiAppUrl(appId)}/bundle`;

/** The sign-in page, coming back to `returnTo` (a path on this portal) afterwards. */
export function loginUrl(returnTo?: string): string {
  return returnTo ? `/login?next=${seg(returnTo)}` : '/login';
}
