import { apiHandler } from '@/lib/api/route';
import { createUser, listUsers, newUserSchema } from '@/lib/users/users';

export const GET = apiHandler({ access: 'admin' }, async () => Response.json(listUsers()));

export const POST = apiHandler({ access: 'admin', body: newUserSchema, invalid: 'The user is not valid.' }, async ({ viewer, body }) =>
  Response.json(await createUser(viewer, body), { status: 201 }),
);
