// Shared pieces of the secrets API routes: who may call them, and reading the `scope` choice.
import 'server-only';
import { requireApiViewer } from '@/lib/auth/viewer';
import { AppError, forbidden } from '@/lib/errors';
import type { Viewer } from '@/lib/auth/policy';
import type { ScopeChoice } from './store';

/** Visitors see no secrets at all: 401 without a viewer, 403 for a visitor. */
export async function requireSecretsViewer(request: Request): Promise<Viewer> {
  const viewer = await requireApiViewer(request);
  if (!viewer.fullAccess) throw forbidden('Your account has visitor access only; secrets are not available to it.');
  return viewer;
}

export function scopeParam(request: Request): ScopeChoice | undefined {
  const scope = new URL(request.url).searchParams.get('scope');
  if (scope === null || scope === '') return undefined;
  if (scope === 'private' || scope === 'shared') return scope;
  throw new AppError('INVALID_INPUT', 'scope is "private" (your own secrets) or "shared" (ALL_USERS and APP secrets).', [
    { path: 'scope', message: 'Use "private" or "shared".' },
  ]);
}

/** Secret bodies carry up to 100 values of up to 64 KiB each. */
export const SECRET_BODY_MAX_BYTES = 8 * 1024 * 1024;
