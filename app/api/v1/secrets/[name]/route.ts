// One secret by name (the caller's own PRIVATE one first, then the shared one; `?scope=` picks):
// GET its keys, PATCH `{ set: {key: value}, remove: [key] }`, DELETE it. Values are never returned.
import { apiHandler } from '@/lib/api/route';
import { scopeParam, SECRET_BODY_MAX_BYTES, SECRETS_NEED_FULL_ACCESS } from '@/lib/secrets/api';
import { secretPatchSchema } from '@/lib/secrets/input';
import { deleteSecret, findSecretByName, summarizeSecret, updateSecret } from '@/lib/secrets/store';

type Params = { name: string };
const access = { access: 'fullAccess', forbidden: SECRETS_NEED_FULL_ACCESS } as const;

export const GET = apiHandler<'fullAccess', undefined, Params>(access, async ({ request, viewer, params }) =>
  Response.json(summarizeSecret(findSecretByName(viewer, params.name, scopeParam(request)))),
);

export const PATCH = apiHandler<'fullAccess', typeof secretPatchSchema, Params>(
  { ...access, body: secretPatchSchema, maxBytes: SECRET_BODY_MAX_BYTES, invalid: 'The change is not valid.' },
  async ({ request, viewer, body, params }) => {
    const secret = findSecretByName(viewer, params.name, scopeParam(request));
    return Response.json(updateSecret(viewer, secret, body));
  },
);

export const DELETE = apiHandler<'fullAccess', undefined, Params>(access, async ({ request, viewer, params }) => {
  deleteSecret(viewer, findSecretByName(viewer, params.name, scopeParam(request)));
  return new Response(null, { status: 204 });
});
