import { z } from 'zod';
import { pagingQuery } from '@/lib/api/paging';
import { apiHandler } from '@/lib/api/route';
import { importStagedBundle } from '@/lib/apps/import';
import { appJson } from '@/lib/apps/api-json';
import { readAppVersion, readAppVersions } from '@/lib/apps/read';
import { receiveBundle } from '@/lib/apps/receive';
import { userStagingDir } from '@/lib/apps/uploads';
import { visibilitySchema } from '@/lib/apps/visibility';
import { IMPORT_NEEDS_FULL_ACCESS } from '@/lib/auth/policy';
import { accessSettings } from '@/lib/auth/viewer';
import { apiAppUrl } from '@/lib/urls';

export const dynamic = 'force-dynamic';

const listQuery = z.object({
  name: z.string().optional(),
  visibility: z.preprocess((v) => (v === '' ? undefined : v), visibilitySchema.optional()),
  mine: z.string().optional(),
  ...pagingQuery,
});

/** Apps the caller may see; filters `name`, `visibility`, `mine=1`, paging `limit`/`offset`. */
export const GET = apiHandler({ access: 'reader', query: listQuery }, async ({ viewer, query }) => {
  const { name, visibility, mine, limit, offset } = query;
  const mineOnly = mine === '1' || mine === 'true';
  const list = readAppVersions(viewer, accessSettings(), {
    name,
    visibility,
    ownerId: mineOnly ? (viewer?.id ?? '') : undefined,
    limit,
    offset,
  });
  return Response.json(list.map(appJson));
});

const importQuery = z.object({ visibility: z.string().optional() });

/** Import a bundle: the raw body or a multipart file, streamed to disk; `?visibility=` or a form field sets its visibility. */
export const POST = apiHandler({ access: 'fullAccess', forbidden: IMPORT_NEEDS_FULL_ACCESS, query: importQuery }, async ({ request, viewer, query }) => {
  const { staged, fields } = await receiveBundle(request, userStagingDir(viewer.id));
  const visibility = query.visibility ?? fields.visibility;
  const { app, warnings } = await importStagedBundle(viewer, staged, { visibility });
  const view = readAppVersion(viewer, accessSettings(), { id: app.id })!;
  return Response.json({ ...appJson(view), warnings }, { status: 201, headers: { Location: apiAppUrl(app.id) } });
});
