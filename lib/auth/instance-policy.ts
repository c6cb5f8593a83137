// Who may start, open, see, operate and troubleshoot app instances: the platform's rules as pure
// functions (see the README, "Running apps"). lib/instances applies them where data is read and actions run.
import { canSeeApp, type AccessSettings, type AppAccessFacts, type Viewer } from './policy';

export type InstanceVisibility = 'PRIVATE' | 'ALL_USERS' | 'PUBLIC';
export type InstanceLifecycle = 'ON_DEMAND' | 'MANAGED' | 'LINK';

export interface RunnableAppFacts extends AppAccessFacts {
  instanceLifecycle: InstanceLifecycle;
}

export interface InstanceFacts {
  ownerId: string;
  visibility: InstanceVisibility;
  /** The app version it runs. */
  app: AppAccessFacts;
}

export type StartRefusal = 'link' | 'not-visible' | 'sign-in' | 'managed';

/**
 * ON_DEMAND: anyone signed in who may see the app starts their own instances (visitors included, through
 * the app's authorization tags). MANAGED: only the app owner or an admin. LINK apps have no instances.
 */
export function startRefusal(viewer: Viewer | null, app: RunnableAppFacts, settings: AccessSettings): StartRefusal | null {
  if (app.instanceLifecycle === 'LINK') return 'link';
  if (!canSeeApp(viewer, app, settings)) return 'not-visible';
  if (!viewer) return 'sign-in';
  if (app.instanceLifecycle === 'MANAGED' && !(viewer.isAdmin || viewer.id === app.ownerId)) return 'managed';
  return null;
}

export function canStartInstance(viewer: Viewer | null, app: RunnableAppFacts, settings: AccessSettings): boolean {
  return startRefusal(viewer, app, settings) === null;
}

/** Visibilities a viewer may give their instance: visitors keep theirs PRIVATE. */
export function allowedInstanceVisibilities(viewer: Viewer): InstanceVisibility[] {
  return viewer.fullAccess ? ['PRIVATE', 'ALL_USERS', 'PUBLIC'] : ['PRIVATE'];
}

/**
 * Opening the app's UI. PUBLIC: anyone with the URL. PRIVATE: its owner only (not admins, not the app
 * owner). ALL_USERS: every full-access user, and visitors who may see the app (a MANAGED app's Visit).
 */
export function canOpenInstance(viewer: Viewer | null, instance: InstanceFacts, settings: AccessSettings): boolean {
  if (instance.visibility === 'PUBLIC') return true;
  if (!viewer) return false;
  if (viewer.id === instance.ownerId) return true;
  if (instance.visibility === 'PRIVATE') return false;
  return viewer.fullAccess || canSeeApp(viewer, instance.app, settings);
}

/** Metadata and status: whoever may open it, its owner, the app's owner (troubleshooting) and admins. */
export function canSeeInstance(viewer: Viewer | null, instance: InstanceFacts, settings: AccessSettings): boolean {
  if (viewer && (viewer.isAdmin || viewer.id === instance.ownerId || viewer.id === instance.app.ownerId)) return true;
  return canOpenInstance(viewer, instance, settings);
}

/** Logs: the instance owner (unless a visitor), the app owner and admins. */
export function canReadInstanceLogs(viewer: Viewer | null, instance: InstanceFacts): boolean {
  if (!viewer) return false;
  if (viewer.isAdmin || viewer.id === instance.app.ownerId) return true;
  return viewer.id === instance.ownerId && viewer.fullAccess;
}

/** Suspend, resume, keep running, change visibility: the instance owner. */
export function canOperateInstance(viewer: Viewer | null, instance: Pick<InstanceFacts, 'ownerId'>): boolean {
  return !!viewer && viewer.id === instance.ownerId;
}

/** Suspend and resume: the owner and admins (who run the platform's capacity). */
export function canSuspendInstance(viewer: Viewer | null, instance: Pick<InstanceFacts, 'ownerId'>): boolean {
  return !!viewer && (viewer.isAdmin || viewer.id === instance.ownerId);
}

/** Terminate: the owner and admins. */
export function canTerminateInstance(viewer: Viewer | null, instance: Pick<InstanceFacts, 'ownerId'>): boolean {
  return !!viewer && (viewer.isAdmin || viewer.id === instance.ownerId);
}
