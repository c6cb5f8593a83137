// Who may see and change which secret: pure functions of the viewer and the secret, tested on their own.
import type { Secret, SecretVisibility } from '@/db/schema';
import type { Viewer } from '@/lib/auth/policy';

export const SECRET_VISIBILITIES: readonly SecretVisibility[] = ['PRIVATE', 'ALL_USERS', 'APP'];

type SecretFacts = Pick<Secret, 'ownerId' | 'visibility'>;

/** Full-access users create PRIVATE secrets; only admins create ALL_USERS and APP secrets. */
export function canCreateSecret(viewer: Viewer | null, visibility: SecretVisibility): boolean {
  if (!viewer || !viewer.fullAccess) return false;
  return visibility === 'PRIVATE' || viewer.isAdmin;
}

/** Names and keys (never values): a PRIVATE secret to its owner, ALL_USERS to full-access users, everything to admins. */
export function canSeeSecret(viewer: Viewer | null, secret: SecretFacts): boolean {
  if (!viewer || !viewer.fullAccess) return false;
  if (viewer.isAdmin) return true;
  if (secret.visibility === 'PRIVATE') return secret.ownerId === viewer.id;
  return secret.visibility === 'ALL_USERS';
}

/** Setting, replacing and removing keys, and deletion: the owner of a PRIVATE secret, and admins. */
export function canEditSecret(viewer: Viewer | null, secret: SecretFacts): boolean {
  if (!viewer || !viewer.fullAccess) return false;
  if (viewer.isAdmin) return true;
  return secret.visibility === 'PRIVATE' && secret.ownerId === viewer.id;
}

/** The scope a name is unique within: each user's PRIVATE secrets, and one shared scope for the rest. */
export function secretScope(visibility: SecretVisibility, ownerId: string): string {
  return visibility === 'PRIVATE' ? `user:${ownerId}` : 'shared';
}
