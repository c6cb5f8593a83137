// The details page's data for the current request: the viewer decides what exists. Anonymous
// viewers are sent to sign in for anything they may not see; signed-in ones get a 404, the same as
// for a Name that does not exist. Cached per request (metadata and page share one read).
import 'server-only';
import { cache } from 'react';
import { notFound, redirect } from 'next/navigation';
import { accessSettings, getViewer } from '@/lib/auth/viewer';
import { appDetails, type AppDetailsView } from './details';
import { appUrl, loginUrl } from '@/lib/urls';

export const appDetailsForRequest = cache(async (name: string, version?: string): Promise<AppDetailsView> => {
  const viewer = await getViewer();
  const app = appDetails(viewer, accessSettings(), name, version);
  if (app) return app;
  if (!viewer) {
    redirect(loginUrl(appUrl(name, version)));
  }
  notFound();
});
