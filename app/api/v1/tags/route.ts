import { apiRoute, readJson, zodProblems } from '@/lib/api/handler';
import { canSeeTags } from '@/lib/auth/policy';
import { requireApiAdmin, requireApiViewer } from '@/lib/auth/viewer';
import { AppError, forbidden } from '@/lib/errors';
import { createTag, listTags, tagInputSchema } from '@/lib/tags/tags';

export const GET = apiRoute(async (request) => {
  const viewer = await requireApiViewer(request);
  if (!canSeeTags(viewer)) throw forbidden('Visitors cannot see tags.');
  return Response.json(listTags());
});

export const POST = apiRoute(async (request) => {
  const admin = await requireApiAdmin(request);
  const parsed = tagInputSchema.safeParse(await readJson(request));
  if (!parsed.success) throw new AppError('INVALID_INPUT', 'The tag is not valid.', zodProblems(parsed.error.issues));
  return Response.json(createTag(admin, parsed.data), { status: 201 });
});
