// Aliases (administrators): list them, create one pointing at an instance, optionally as its primary.
import { z } from 'zod';
import { apiHandler } from '@/lib/api/route';
import { createAlias, listAliases } from '@/lib/instances/aliases';

export const GET = apiHandler({ access: 'admin' }, async ({ viewer }) => Response.json(listAliases(viewer)));

const createSchema = z.object({ name: z.string().min(1).max(100), instanceId: z.string().min(1).max(100), primary: z.boolean().optional() }).strict();

export const POST = apiHandler({ access: 'admin', body: createSchema }, async ({ viewer, body }) =>
  Response.json(createAlias(viewer, body), { status: 201 }),
);
