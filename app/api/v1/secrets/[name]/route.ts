// One secret by name (the caller's own PRIVATE one first, then the shared one; `?scope=` picks):
// GET its keys, PATCH `{ set: {key: value}, remove: [key] }`, DELETE it. Values are never returned.
import { apiRoute, readJson, zodProblems } from '@/lib/api/handler';
import { AppError } from '@/lib/errors';
import { requireSecretsViewer, scopeParam, SECRET_BODY_MAX_BYTES } from '@/lib/secrets/api';
import { secretPatchSchema } from '@/lib/secrets/input';
import { deleteSecret, findSecretByName, summarizeSecret, updateSecret } from '@/lib/secrets/store';

type Context = { params: Promise<{ name: string }> };

export const GET = apiRoute<Context>(async (request, { params }) => {
  const viewer = await requireSecretsViewer(request);
  return Response.json(summarizeSecret(findSecretByName(viewer, (await params).name, scopeParam(request))));
});

export const PATCH = apiRoute<Context>(async (request, { params }) => {
  const viewer = await requireSecretsViewer(request);
  const secret = findSecretByName(viewer, (await params).name, scopeParam(request));
  const parsed = secretPatchSchema.safeParse(await readJson(request, SECRET_BODY_MAX_BYTES));
  if (!parsed.success) throw new AppError('INVALID_INPUT', 'The change is not valid.', zodProblems(parsed.error.issues));
  return Response.json(updateSecret(viewer, secret, parsed.data));
});

export const DELETE = apiRoute<Context>(async (request, { params }) => {
  const viewer = await requireSecretsViewer(request);
  deleteSecret(viewer, findSecretByName(viewer, (await params).name, scopeParam(request)));
  return new Response(null, { status: 204 });
});
