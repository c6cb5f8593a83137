import { apiRoute, readJson, zodProblems } from '@/lib/api/handler';
import { requireApiAdmin } from '@/lib/auth/viewer';
import { AppError, notFound } from '@/lib/errors';
import { getUser, updateUser, userPatchSchema } from '@/lib/users/users';

type Context = { params: Promise<{ id: string }> };

export const GET = apiRoute<Context>(async (request, { params }) => {
  await requireApiAdmin(request);
  const user = getUser((await params).id);
  if (!user) throw notFound('No such user.');
  return Response.json(user);
});

export const PATCH = apiRoute<Context>(async (request, { params }) => {
  const admin = await requireApiAdmin(request);
  const parsed = userPatchSchema.safeParse(await readJson(request));
  if (!parsed.success) throw new AppError('INVALID_INPUT', 'The change is not valid.', zodProblems(parsed.error.issues));
  return Response.json(await updateUser((await params).id, parsed.data, admin.id));
});
