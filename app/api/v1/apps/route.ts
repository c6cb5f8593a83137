import { z } from 'zod';
import { apiHandler } from '@/lib/api/route';
import { importStagedBundle } from '@/lib/apps/import';
import { getAppForViewer, listAppsForViewer, presentApp } from '@/lib/apps/queries';
import { receiveBundle } from '@/lib/apps/receive';
import { visibilitySchema } from '@/lib/apps/visibility';
import { IMPORT_NEEDS_FULL_ACCESS } from '@/lib/auth/policy';
import { accessSettings } from '@/lib/auth/viewer';
import { AppError } from '@/lib/errors';
import { zodProblems } from '@/lib/api/handler';
import { apiAppUrl } from '@/lib/urls';

export const dynamic = 'force-dynamic';

const count = (fallback: number) =>
  z.preprocess((v) => (v === null ? undefined : v), z.coerce.number<string>().int().min(0, 'must be a non-negative integer').default(fallback));

const listQuery = z.object({
  name: z.string().nullable(),
  visibility: z.preprocess((v) => (v === null || v === '' ? undefined : v), visibilitySchema.optional()),
  mine: z.string().nullable(),
  limit: count(100),
  offset: count(0),
});

/** Apps the caller may see; filters `name`, `visibility`, `mine=1`, paging `limit`/`offset`. */
export const GET = apiHandler({ access: 'reader' }, async ({ request, viewer }) => {
  const q = new URL(request.url).searchParams;
  const parsed = listQuery.safeParse(Object.fromEntries(['name', 'visibility', 'mine', 'limit', 'offset'].map((k) => [k, q.get(k)])));
  if (!parsed.success) throw new AppError('INVALID_INPUT', 'The query is not valid.', zodProblems(parsed.error.issues));
  const { name, visibility, mine, limit, offset } = parsed.data;
  const list = listAppsForViewer(
    viewer,
    { name: name ?? undefined, visibility, mine: mine === '1' || mine === 'true', limit, offset },
    accessSettings(),
  );
  return Response.json(list.map((d) => presentApp(d, viewer)));
});

/** Import a bundle: the raw body or a multipart file, streamed to disk. */
export const POST = apiHandler({ access: 'fullAccess', forbidden: IMPORT_NEEDS_FULL_ACCESS }, async ({ request, viewer }) => {
  const { staged, fields } = await receiveBundle(request);
  const visibility = new URL(request.url).searchParams.get('visibility') ?? fields.visibility;
  const { app, warnings } = await importStagedBundle(viewer, staged, { visibility });
  const details = getAppForViewer(viewer, app.id, accessSettings())!;
  return Response.json({ ...presentApp(details, viewer), warnings }, { status: 201, headers: { Location: apiAppUrl(app.id) } });
});
