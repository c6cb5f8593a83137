import { apiHandler } from '@/lib/api/route';
import { notFound } from '@/lib/errors';
import { getUser, updateUser, userPatchSchema } from '@/lib/users/users';

type Params = { id: string };

export const GET = apiHandler<'admin', undefined, Params>({ access: 'admin' }, async ({ params }) => {
  const user = getUser(params.id);
  if (!user) throw notFound('No such user.');
  return Response.json(user);
});

export const PATCH = apiHandler<'admin', typeof userPatchSchema, Params>(
  { access: 'admin', body: userPatchSchema, invalid: 'The change is not valid.' },
  async ({ viewer, body, params }) => Response.json(await updateUser(viewer, params.id, body)),
);
