// Instances: list yours (or every one, admins; or those of one of your app versions) and start one.
import { z } from 'zod';
import { apiHandler } from '@/lib/api/route';
import { visibilitySchema } from '@/lib/apps/visibility';
import { accessSettings } from '@/lib/auth/viewer';
import { instanceManager } from '@/lib/instances/gateway';
import { presentInstance } from '@/lib/instances/present';
import { createInstance, listInstances } from '@/lib/instances/store';

const STATUSES = ['PENDING', 'DEPLOYED', 'SUSPENDED', 'FAILED'] as const;

/** An empty parameter is no filter. */
const filter = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const listQuery = z.object({
  appId: filter(z.string()),
  all: filter(z.string()),
  app: filter(z.string()),
  owner: filter(z.string()),
  status: filter(z.enum(STATUSES, { message: `status is one of ${STATUSES.join(', ')}.` })),
});

/**
 * Yours; `?all=1` every instance (admins), narrowed by `app` (id, or part of the name or title), `owner`
 * (part of the name or e-mail) and `status`, each with what it uses now (`usage`) where the runner reads it;
 * `?appId=` the instances of one of your app versions.
 */
export const GET = apiHandler({ access: 'viewer', query: listQuery }, async ({ viewer, query: { appId, all, app, owner, status } }) => {
  if (all === '1') {
    const records = listInstances(viewer, { kind: 'all', app, owner, status });
    const runner = instanceManager().runner;
    return Response.json(records.map((r) => ({ ...presentInstance(r), usage: runner.usage(r.id) })));
  }
  const scope = appId ? { kind: 'app' as const, appId } : { kind: 'mine' as const };
  return Response.json(listInstances(viewer, scope).map(presentInstance));
});

const startSchema = z.object({ appId: z.string().min(1).max(100), visibility: visibilitySchema.optional() }).strict();

/** Starts an instance of an app version; it is PENDING until it answers (see its `stage`). */
export const POST = apiHandler({ access: 'viewer', body: startSchema }, async ({ viewer, body }) => {
  const record = createInstance(viewer, body, accessSettings());
  void instanceManager().launch(record.id);
  return Response.json(presentInstance(record), { status: 201 });
});
