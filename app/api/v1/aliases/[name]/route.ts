// One alias (administrators): read it; PATCH `{instanceId}` assigns it (keeping or setting `primary`),
// `{instanceId: null}` unassigns it, `{primary: true}` promotes it; DELETE removes it.
import { z } from 'zod';
import { apiHandler } from '@/lib/api/route';
import { AppError } from '@/lib/errors';
import { assignAlias, deleteAlias, getAlias, promoteAlias, unassignAlias } from '@/lib/instances/aliases';

type Params = { name: string };

export const GET = apiHandler<'admin', undefined, Params>({ access: 'admin' }, async ({ viewer, params }) => Response.json(getAlias(viewer, params.name)));

const patchSchema = z.object({ instanceId: z.string().min(1).max(100).nullable(), primary: z.boolean() }).partial().strict();

export const PATCH = apiHandler<'admin', typeof patchSchema, Params>(
  { access: 'admin', body: patchSchema, invalid: 'The change is not valid.' },
  async ({ viewer, body, params }) => {
    if (body.instanceId === null) return Response.json(unassignAlias(viewer, params.name));
    if (body.instanceId !== undefined) return Response.json(assignAlias(viewer, params.name, body.instanceId, body.primary));
    if (body.primary === true) return Response.json(promoteAlias(viewer, params.name));
    throw new AppError('INVALID_INPUT', 'Give instanceId (an instance, or null to unassign) or primary: true.');
  },
);

export const DELETE = apiHandler<'admin', undefined, Params>({ access: 'admin' }, async ({ viewer, params }) => {
  deleteAlias(viewer, params.name);
  return new Response(null, { status: 204 });
});
