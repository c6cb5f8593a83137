import { z } from 'zod';
import { apiRoute, readJson, zodProblems } from '@/lib/api/handler';
import { getAppForViewer, presentApp } from '@/lib/apps/queries';
import { deleteAppVersionWithFiles, updateAppSettings } from '@/lib/apps/settings';
import { accessSettings, getApiViewer, requireApiViewer } from '@/lib/auth/viewer';
import { AppError, notFound, unauthenticated } from '@/lib/errors';

type Context = { params: Promise<{ id: string }> };

export const GET = apiRoute<Context>(async (request, { params }) => {
  const viewer = await getApiViewer(request);
  const settings = accessSettings();
  if (!viewer && !settings.publicMode) throw unauthenticated();
  const details = getAppForViewer(viewer, (await params).id, settings);
  if (!details) throw notFound('No such app.');
  return Response.json(presentApp(details, viewer));
});

const patchSchema = z
  .object({
    visibility: z.enum(['PRIVATE', 'ALL_USERS', 'PUBLIC']),
    /** The complete set of tags, by id or name. */
    tags: z.array(z.string().min(1).max(200)).max(200),
  })
  .partial()
  .strict();

/** Change visibility and tags, the only things that change after import. */
export const PATCH = apiRoute<Context>(async (request, { params }) => {
  const viewer = await requireApiViewer(request);
  const parsed = patchSchema.safeParse(await readJson(request));
  if (!parsed.success) throw new AppError('INVALID_INPUT', 'The change is not valid.', zodProblems(parsed.error.issues));
  const id = (await params).id;
  updateAppSettings(viewer, id, { visibility: parsed.data.visibility, tagIds: parsed.data.tags });
  return Response.json(presentApp(getAppForViewer(viewer, id, accessSettings())!, viewer));
});

export const DELETE = apiRoute<Context>(async (request, { params }) => {
  const viewer = await requireApiViewer(request);
  await deleteAppVersionWithFiles(viewer, (await params).id);
  return new Response(null, { status: 204 });
});
