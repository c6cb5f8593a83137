// Every access decision of the portal as pure functions of the viewer and the thing; no I/O here,
// so the rules can be read and tested on their own. lib/auth/viewer.ts supplies the viewer.
import type { Tag, Visibility } from '@/db/schema';

export interface Viewer {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  roles: string[];
  /** Full-access users may import apps and see tags, secrets and e-mail addresses; the rest are visitors. */
  fullAccess: boolean;
}

export interface AccessSettings {
  publicMode: boolean;
  fullAccessRole: string;
}

/** What a page, action or API call needs: any signed-in user, a full-access user, or an administrator. */
export type AccessLevel = 'viewer' | 'fullAccess' | 'admin';

/** Why `viewer` may not act at `level` (a sentence for the person), or null when they may. */
export function accessRefusal(viewer: Viewer | null, level: AccessLevel): string | null {
  if (!viewer) return 'Your session has ended. Sign in again.';
  if (level === 'admin' && !viewer.isAdmin) return 'Only administrators may do this.';
  if (level === 'fullAccess' && !viewer.fullAccess) return 'Your account has visitor access only.';
  return null;
}

export const TAGS_NEED_FULL_ACCESS = 'Visitors cannot see tags.';
export const IMPORT_NEEDS_FULL_ACCESS = 'Your account has visitor access only: importing apps needs full access.';

/** Admins always have full access; otherwise the configured role is required when one is set. */
export function hasFullAccess(user: { isAdmin: boolean; roles: string[] }, fullAccessRole: string): boolean {
  return user.isAdmin || fullAccessRole === '' || user.roles.includes(fullAccessRole);
}

export interface AppAccessFacts {
  ownerId: string;
  visibility: Visibility;
  /** visitorRoles of every tag the app carries. */
  tagVisitorRoles: string[][];
}

/**
 * The platform's visibility rule. PRIVATE: owner and admins. ALL_USERS: full-access users, and visitors
 * holding a visitor role of one of the app's tags. PUBLIC: like ALL_USERS, and in public mode everybody,
 * anonymous or not (a visitor who signs in never sees less than an anonymous one).
 */
export function canSeeApp(viewer: Viewer | null, app: AppAccessFacts, settings: AccessSettings): boolean {
  if (app.visibility === 'PUBLIC' && settings.publicMode) return true;
  if (!viewer) return false;
  if (viewer.isAdmin || viewer.id === app.ownerId) return true;
  if (app.visibility === 'PRIVATE') return false;
  if (viewer.fullAccess) return true;
  return app.tagVisitorRoles.some((roles) => roles.some((role) => viewer.roles.includes(role)));
}

/** Apps are edited (visibility, tags, deletion) and their bundle downloaded by their owner and by admins. */
export function canEditApp(viewer: Viewer | null, app: { ownerId: string }): boolean {
  return !!viewer && (viewer.isAdmin || viewer.id === app.ownerId);
}


export function canImportApps(viewer: Viewer | null): boolean {
  return !!viewer && viewer.fullAccess;
}

/** Container apps (Runtime.AppMode = "container") run an arbitrary image: administrators only. */
export function canImportContainerApps(viewer: Viewer): boolean {
  return viewer.isAdmin;
}

/** APP_VERSION_LIMIT bounds what non-admins hold; administrators are not limited. */
export function versionLimitApplies(viewer: Viewer, limit: number): boolean {
  return !viewer.isAdmin && limit > 0;
}

/** Further versions of a Name may come only from the user who first imported it, or an admin. */
export function canImportVersionOf(viewer: Viewer, nameOwnerId: string | null): boolean {
  return viewer.fullAccess && (nameOwnerId === null || viewer.isAdmin || nameOwnerId === viewer.id);
}

export function isAdmin(viewer: Viewer | null): viewer is Viewer {
  return !!viewer && viewer.isAdmin;
}

/** Users and runtime versions are managed by administrators. */
export const canManageUsers = isAdmin;
export const canManageRuntimes = isAdmin;

/**
 * An administrator may not take away their own admin rights or disable themselves (the last admin could
 * lock everyone out); another administrator must. Returns the problem, or null.
 */
export function selfChangeRefusal(
  viewer: Viewer,
  userId: string,
  patch: { isAdmin?: boolean; disabled?: boolean },
): { path: string; message: string } | null {
  if (userId !== viewer.id || (patch.isAdmin !== false && patch.disabled !== true)) return null;
  return { path: patch.disabled ? 'disabled' : 'isAdmin', message: 'You cannot remove your own admin rights or disable yourself: ask another admin.' };
}

/** Tags, secrets and other people's e-mail addresses are hidden from visitors. */
export function canSeeTags(viewer: Viewer | null): boolean {
  return !!viewer && viewer.fullAccess;
}
export const canSeeEmails = canSeeTags;

/** A tag may be assigned or removed by admins, and by full-access users when its adminRoles are empty or held. */
export function canAssignTag(viewer: Viewer | null, tag: Pick<Tag, 'adminRoles'>): boolean {
  if (!viewer) return false;
  if (viewer.isAdmin) return true;
  if (!viewer.fullAccess) return false;
  return tag.adminRoles.length === 0 || tag.adminRoles.some((role) => viewer.roles.includes(role));
}

export type TagKind = 'category' | 'authorization' | 'badge';

/** What a tag is follows from its fields, in this order. */
export function tagKind(tag: Pick<Tag, 'isCategory' | 'visitorRoles'>): TagKind {
  if (tag.isCategory) return 'category';
  if (tag.visitorRoles.length > 0) return 'authorization';
  return 'badge';
}
