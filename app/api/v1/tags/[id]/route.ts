// One tag, addressed by id or by name.
import { apiRoute, readJson, zodProblems } from '@/lib/api/handler';
import { canSeeTags } from '@/lib/auth/policy';
import { requireApiAdmin, requireApiViewer } from '@/lib/auth/viewer';
import { AppError, forbidden, notFound } from '@/lib/errors';
import { deleteTag, findTag, tagPatchSchema, updateTag } from '@/lib/tags/tags';

type Context = { params: Promise<{ id: string }> };

export const GET = apiRoute<Context>(async (request, { params }) => {
  const viewer = await requireApiViewer(request);
  if (!canSeeTags(viewer)) throw forbidden('Visitors cannot see tags.');
  const tag = findTag((await params).id);
  if (!tag) throw notFound('No such tag.');
  return Response.json(tag);
});

export const PATCH = apiRoute<Context>(async (request, { params }) => {
  const admin = await requireApiAdmin(request);
  const parsed = tagPatchSchema.safeParse(await readJson(request));
  if (!parsed.success) throw new AppError('INVALID_INPUT', 'The change is not valid.', zodProblems(parsed.error.issues));
  return Response.json(updateTag(admin, (await params).id, parsed.data));
});

export const DELETE = apiRoute<Context>(async (request, { params }) => {
  const admin = await requireApiAdmin(request);
  deleteTag(admin, (await params).id);
  return new Response(null, { status: 204 });
});
