// Who is asking: the one place pages, server actions and route handlers get the viewer from.
import 'server-only';
import { cache } from 'react';
import { headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { loginUrl } from '@/lib/urls';
import { AppError } from '@/lib/errors';
import { accessRefusal, type AccessLevel, type Viewer } from './policy';
import { userForToken } from './tokens';
import { userForProviderToken } from './provider-tokens';
import type { SessionClaim } from './session-claim';
import { signedInOf } from './request-viewer';
import { viewerFromUser } from './viewer-store';

export type { AccessLevel, Viewer } from './policy';

import { accessSettings } from './access-settings';

export { accessSettings };

/** The signed-in viewer of this request and the session it came with, or null. Cached for the request. */
export const getSignedIn = cache(async (): Promise<{ viewer: Viewer; claim: SessionClaim } | null> => signedInOf((await headers()).get('cookie')));

/** The signed-in viewer of this request (session cookie), or null. */
export async function getViewer(): Promise<Viewer | null> {
  return (await getSignedIn())?.viewer ?? null;
}

/** Who may open a page: `reader` (signed in, or anyone in public mode: the catalog's rule) or an access level. */
export type PageAccess = 'reader' | AccessLevel;

/**
 * The page guard: the viewer at `level`. Nobody signed in → /login, coming back to `returnTo` (for `reader`
 * only when public mode is off: anonymous visitors then get null); signed in below the level → 404, as if
 * the page did not exist (admin pages are not advertised to others).
 */
export async function requirePage(level: 'reader', returnTo: string): Promise<Viewer | null>;
export async function requirePage(level: AccessLevel, returnTo: string): Promise<Viewer>;
export async function requirePage(level: PageAccess, returnTo: string): Promise<Viewer | null> {
  const viewer = await getViewer();
  if (level === 'reader') {
    if (!viewer && !accessSettings().publicMode) redirect(loginUrl(returnTo));
    return viewer;
  }
  if (!viewer) redirect(loginUrl(returnTo));
  if (accessRefusal(viewer, level)) notFound();
  return viewer;
}

function sameOrigin(request: Request): boolean {
  const origin = request.headers.get('origin');
  if (!origin) return request.headers.get('sec-fetch-site') !== 'cross-site';
  try {
    const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * For route handlers: a Bearer token when one is sent, else the session cookie (refused for
 * cross-site writes, so a forged form on another site cannot act as the user).
 */
export async function getApiViewer(request: Request): Promise<Viewer | null> {
  const authorization = request.headers.get('authorization');
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    // The portal's own API tokens, or an access token the identity provider issued to the CLI (appstore login --sso).
    const user = match ? (userForToken(match[1]) ?? (await userForProviderToken(match[1]))) : null;
    const viewer = user ? viewerFromUser(user) : null;
    if (!viewer) throw new AppError('UNAUTHENTICATED', 'The API token is not valid.');
    return viewer;
  }
  if (!['GET', 'HEAD', 'OPTIONS'].includes(request.method) && !sameOrigin(request)) return null;
  return getViewer();
}
