// GET: the secrets the caller may see (names and keys, never values). POST: create one.
import { apiRoute, readJson, zodProblems } from '@/lib/api/handler';
import { AppError } from '@/lib/errors';
import { requireSecretsViewer, SECRET_BODY_MAX_BYTES } from '@/lib/secrets/api';
import { newSecretSchema } from '@/lib/secrets/input';
import { createSecret, listVisibleSecrets } from '@/lib/secrets/store';

export const GET = apiRoute(async (request) => {
  const viewer = await requireSecretsViewer(request);
  return Response.json(listVisibleSecrets(viewer));
});

export const POST = apiRoute(async (request) => {
  const viewer = await requireSecretsViewer(request);
  const parsed = newSecretSchema.safeParse(await readJson(request, SECRET_BODY_MAX_BYTES));
  if (!parsed.success) throw new AppError('INVALID_INPUT', 'The secret is not valid.', zodProblems(parsed.error.issues));
  return Response.json(createSecret(viewer, parsed.data), { status: 201 });
});
