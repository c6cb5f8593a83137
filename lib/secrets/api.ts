// Shared pieces of the secrets API routes: the refusal for visitors, and reading the `scope` choice.
import 'server-only';
import { AppError } from '@/lib/errors';
import type { ScopeChoice } from './store';

/** Visitors see no secrets at all: 401 without a viewer, 403 with this message for a visitor. */
export const SECRETS_NEED_FULL_ACCESS = 'Your account has visitor access only; secrets are not available to it.';

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
