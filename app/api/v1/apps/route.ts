import { apiRoute } from '@/lib/api/handler';
import { importStagedBundle } from '@/lib/apps/import';
import { getAppForViewer, listAppsForViewer, presentApp } from '@/lib/apps/queries';
import { receiveBundle } from '@/lib/apps/receive';
import { userStagingDir } from '@/lib/apps/uploads';
import { accessSettings, getApiViewer, requireApiViewer } from '@/lib/auth/viewer';
import { canImportApps } from '@/lib/auth/policy';
import { AppError, unauthenticated } from '@/lib/errors';

export const dynamic = 'force-dynamic';

/** Apps the caller may see; filters `name`, `visibility`, `mine=1`, paging `limit`/`offset`. */
export const GET = apiRoute(async (request) => {
  const viewer = await getApiViewer(request);
  const settings = accessSettings();
  if (!viewer && !settings.publicMode) throw unauthenticated();
  const q = new URL(request.url).searchParams;
  const visibility = q.get('visibility');
  const list = listAppsForViewer(
    viewer,
    {
      name: q.get('name') ?? undefined,
      visibility: visibility ? parseVisibilityFilter(visibility) : undefined,
      mine: q.get('mine') === '1' || q.get('mine') === 'true',
      limit: intParam(q.get('limit'), 100),
      offset: intParam(q.get('offset'), 0),
    },
    settings,
  );
  return Response.json(list.map((d) => presentApp(d, viewer)));
});

/** Import a bundle: the raw body or a multipart file, streamed to disk. */
export const POST = apiRoute(async (request) => {
  const viewer = await requireApiViewer(request);
  if (!canImportApps(viewer)) {
    throw new AppError('FORBIDDEN', 'Your account has visitor access only: importing apps needs full access.');
  }
  const { staged, fields } = await receiveBundle(request, userStagingDir(viewer.id));
  const visibility = new URL(request.url).searchParams.get('visibility') ?? fields.visibility;
  const { app, warnings } = await importStagedBundle(viewer, staged, { visibility });
  const details = getAppForViewer(viewer, app.id, accessSettings())!;
  return Response.json({ ...presentApp(details, viewer), warnings }, { status: 201, headers: { Location: `/api/v1/apps/${app.id}` } });
});

function parseVisibilityFilter(value: string) {
  const v = value.toUpperCase();
  if (v !== 'PRIVATE' && v !== 'ALL_USERS' && v !== 'PUBLIC') {
    throw new AppError('INVALID_INPUT', 'visibility must be PRIVATE, ALL_USERS or PUBLIC.');
  }
  return v;
}

function intParam(value: string | null, fallback: number): number {
  if (value === null) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new AppError('INVALID_INPUT', 'limit and offset are non-negative integers.');
  return n;
}

