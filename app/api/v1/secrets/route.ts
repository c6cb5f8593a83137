// GET: the secrets the caller may see (names and keys, never values). POST: create one.
import { apiHandler } from '@/lib/api/route';
import { SECRET_BODY_MAX_BYTES, SECRETS_NEED_FULL_ACCESS } from '@/lib/secrets/api';
import { newSecretSchema } from '@/lib/secrets/input';
import { createSecret, listVisibleSecrets } from '@/lib/secrets/store';

const access = { access: 'fullAccess', forbidden: SECRETS_NEED_FULL_ACCESS } as const;

export const GET = apiHandler(access, async ({ viewer }) => Response.json(listVisibleSecrets(viewer)));

export const POST = apiHandler(
  { ...access, body: newSecretSchema, maxBytes: SECRET_BODY_MAX_BYTES, invalid: 'The secret is not valid.' },
  async ({ viewer, body }) => Response.json(createSecret(viewer, body), { status: 201 }),
);
