import { z } from 'zod';
import { pagingQuery } from '@/lib/api/paging';
import { apiHandler } from '@/lib/api/route';
import { createUser, listUsers, newUserSchema } from '@/lib/users/users';

/** Every user account, by e-mail, a page at a time (`limit`/`offset`, lib/api/paging.ts). */
export const GET = apiHandler({ access: 'admin', query: z.object(pagingQuery) }, async ({ query }) => Response.json(listUsers(query)));

export const POST = apiHandler({ access: 'admin', body: newUserSchema, invalid: 'The user is not valid.' }, async ({ viewer, body }) =>
  Response.json(await createUser(viewer, body), { status: 201 }),
);
