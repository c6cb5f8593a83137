import { apiRoute, readJson, zodProblems } from '@/lib/api/handler';
import { requireApiAdmin } from '@/lib/auth/viewer';
import { AppError } from '@/lib/errors';
import { createUser, listUsers, newUserSchema } from '@/lib/users/users';

export const GET = apiRoute(async (request) => {
  await requireApiAdmin(request);
  return Response.json(listUsers());
});

export const POST = apiRoute(async (request) => {
  await requireApiAdmin(request);
  const parsed = newUserSchema.safeParse(await readJson(request));
  if (!parsed.success) throw new AppError('INVALID_INPUT', 'The user is not valid.', zodProblems(parsed.error.issues));
  return Response.json(await createUser(parsed.data), { status: 201 });
});
