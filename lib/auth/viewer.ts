// Who is asking: the one place pages, server actions and route handlers get the viewer from.
import 'server-only';
import { cache } from 'react';
import { redirect } from 'next/navigation';
import { fullAccessRole, publicMode } from '@/lib/config';
import { AppError, unauthenticated } from '@/lib/errors';
import { auth } from './next-auth';
import type { AccessSettings, Viewer } from './policy';
import { userForToken } from './tokens';
import { toViewer, viewerFromUserId } from './viewer-store';

export type { Viewer } from './policy';

export function accessSettings(): AccessSettings {
  return { publicMode: publicMode(), fullAccessRole: fullAccessRole() };
}

/** The signed-in viewer of this request (session cookie), or null. Cached for the request. */
export const getViewer = cache(async (): Promise<Viewer | null> => {
  const session = await auth();
  const id = session?.user?.id;
  return id ? viewerFromUserId(id) : null;
});

/** For pages: the viewer, or a redirect to /login (remembering where to come back). */
export async function requireViewer(returnTo?: string): Promise<Viewer> {
  const viewer = await getViewer();
  if (!viewer) redirect(returnTo ? `/login?next=${encodeURIComponent(returnTo)}` : '/login');
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
    const user = match ? userForToken(match[1]) : null;
    if (!user || user.disabled) throw new AppError('UNAUTHENTICATED', 'The API token is not valid.');
    return toViewer(user);
  }
  if (!['GET', 'HEAD', 'OPTIONS'].includes(request.method) && !sameOrigin(request)) return null;
  return getViewer();
}

export async function requireApiViewer(request: Request): Promise<Viewer> {
  const viewer = await getApiViewer(request);
  if (!viewer) throw unauthenticated();
  return viewer;
}

export async function requireApiAdmin(request: Request): Promise<Viewer> {
  const viewer = await requireApiViewer(request);
  if (!viewer.isAdmin) throw new AppError('FORBIDDEN', 'Only administrators may do this.');
  return viewer;
}
