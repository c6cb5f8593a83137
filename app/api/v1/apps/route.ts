import { z } from 'zod';
import { apiHandler } from '@/lib/api/route';
import { importStagedBundle } from '@/lib/apps/import';
import { appJson } from '@/lib/apps/api-json';
import { readAppVersion, readAppVersions } from '@/lib/apps/read';
import { receiveBundle } from '@/lib/apps/receive';
import { userStagingDir } from '@/lib/apps/uploads';
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
  const mineOnly = mine === '1' || mine === 'true';
  const list = readAppVersions(viewer, accessSettings(), {
    name: name ?? undefined,
    visibility,
    ownerId: mineOnly ? (viewer?.id ?? '') : undefined,
    limit,
    offset,
  });
  return Response.json(list.map(appJson));
});

/** Import a bundle: the raw body or a multipart file, streamed to disk. */
export const POST = apiHandler({ access: 'fullAccess', forbidden: IMPORT_NEEDS_FULL_ACCESS }, async ({ request, viewer }) => {
  const { staged, fields } = await receiveBundle(request, userStagingDir(viewer.id));
  const visibility = new URL(request.url).searchParams.get('visibility') ?? fields.visibility;
  const { app, warnings } = await importStagedBundle(viewer, staged, { visibility });
  const view = readAppVersion(viewer, accessSettings(), { id: app.id })!;
  return Response.json({ ...appJson(view), warnings }, { status: 201, headers: { Location: apiAppUrl(app.id) } });
});
