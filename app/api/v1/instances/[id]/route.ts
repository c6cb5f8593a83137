// One instance: read it, change its visibility (owner) or auto-suspend (admins), terminate it.
import { z } from 'zod';
import { apiHandler } from '@/lib/api/route';
import { visibilitySchema } from '@/lib/apps/visibility';
import { accessSettings } from '@/lib/auth/viewer';
import { instanceManager } from '@/lib/instances/gateway';
import { presentInstance } from '@/lib/instances/present';
import { authorizeOperation, getInstance, setAutoSuspend, updateInstanceVisibility } from '@/lib/instances/store';

type Params = { id: string };

export const GET = apiHandler<'anyone', undefined, Params>({ access: 'anyone' }, async ({ viewer, params }) =>
  Response.json(presentInstance(getInstance(viewer, params.id, accessSettings()))),
);

const patchSchema = z.object({ visibility: visibilitySchema, autoSuspend: z.boolean() }).partial().strict();

export const PATCH = apiHandler<'viewer', typeof patchSchema, Params>(
  { access: 'viewer', body: patchSchema, invalid: 'The change is not valid.' },
  async ({ viewer, body, params }) => {
    const settings = accessSettings();
    getInstance(viewer, params.id, settings);
    if (body.visibility) updateInstanceVisibility(viewer, params.id, body.visibility, settings);
    if (body.autoSuspend !== undefined) instanceManager().autoSuspendChanged(setAutoSuspend(viewer, params.id, body.autoSuspend));
    return Response.json(presentInstance(getInstance(viewer, params.id, settings)));
  },
);

/** Terminates: the processes end, the volume is deleted, the instance is gone. */
export const DELETE = apiHandler<'viewer', undefined, Params>({ access: 'viewer' }, async ({ viewer, params }) => {
  const record = authorizeOperation(viewer, params.id, 'terminate', accessSettings());
  await instanceManager().terminate(record.id, viewer.id);
  return new Response(null, { status: 204 });
});
