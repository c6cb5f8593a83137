import { z } from 'zod';
import { apiHandler } from '@/lib/api/route';
import { appJson } from '@/lib/apps/api-json';
import { readAppVersion } from '@/lib/apps/read';
import { deleteAppVersionWithFiles, updateAppSettings } from '@/lib/apps/settings';
import { visibilitySchema } from '@/lib/apps/visibility';
import { accessSettings } from '@/lib/auth/viewer';
import { AppError, notFound } from '@/lib/errors';

type Params = { id: string };

export const GET = apiHandler<'reader', undefined, Params>({ access: 'reader' }, async ({ viewer, params }) => {
  const view = readAppVersion(viewer, accessSettings(), { id: params.id });
  if (!view) throw notFound('No such app.');
  return Response.json(appJson(view));
});

const patchSchema = z
  .object({
    visibility: visibilitySchema,
    /** The complete set of tags, by id or name. */
    tags: z.array(z.string().min(1).max(200)).max(200),
  })
  .partial()
  .strict();

/** Change visibility and tags, the only things that change after import. */
export const PATCH = apiHandler<'viewer', typeof patchSchema, Params>(
  { access: 'viewer', body: patchSchema, invalid: 'The change is not valid.' },
  async ({ viewer, body, params }) => {
    updateAppSettings(viewer, params.id, { visibility: body.visibility, tagIds: body.tags });
    return Response.json(appJson(readAppVersion(viewer, accessSettings(), { id: params.id })!));
  },
);

/**
 * A version with instances answers 409 with `error.instances` ({id, status, owner, page, url}) unless
 * `?force=true` confirms it; they keep running, and no new ones start.
 */
const deleteQuery = z.object({ force: z.enum(['true', 'false'], { message: 'force must be true or false.' }).optional() });

export const DELETE = apiHandler<'viewer', undefined, Params, typeof deleteQuery>({ access: 'viewer', query: deleteQuery }, async ({ viewer, params, query: { force } }) => {
  await deleteAppVersionWithFiles(viewer, params.id, { force: force === 'true' });
  return new Response(null, { status: 204 });
});
