// An app page's data for the current request: the viewer decides what exists. The page guard sends
// anonymous visitors to sign in unless in public mode; there they are sent to sign in for anything they may
// not see, and signed-in viewers get a 404, the same as for a Name that does not exist. Cached per request (metadata and page share one read).
import 'server-only';
import { cache } from 'react';
import { notFound, redirect } from 'next/navigation';
import { accessSettings, requirePage } from '@/lib/auth/viewer';
import { appUrl, loginUrl } from '@/lib/urls';
import { appRequirements, type AppRequirements } from './requirements';
import { readAppVersion, visibleVersions, type AppVersionView, type VersionEntry } from './read';

export interface AppPageData {
  app: AppVersionView;
  /** Every version of the Name the viewer may see, newest first. */
  versions: VersionEntry[];
  /** What the app needs to run (secrets, names, volume, OIDC): for its owner and administrators, else null. */
  requirements: AppRequirements | null;
}

/** The given version, or the newest visible version of the Name. */
export const appPageForRequest = cache(async (name: string, version?: string): Promise<AppPageData> => {
  const viewer = await requirePage('reader', appUrl(name, version));
  const settings = accessSettings();
  const app = readAppVersion(viewer, settings, { name, version });
  if (app) {
    const requirements = appRequirements(viewer, { ownerId: app.owner.id, env: app.env, files: app.files, runtime: app.runtime });
    return { app, versions: visibleVersions(viewer, settings, name), requirements };
  }
  if (!viewer) redirect(loginUrl(appUrl(name, version)));
  notFound();
});
