// Instances: list yours (or every one, admins; or those of one of your app versions) and start one.
import { z } from 'zod';
import { apiHandler } from '@/lib/api/route';
import { visibilitySchema } from '@/lib/apps/visibility';
import { accessSettings } from '@/lib/auth/viewer';
import { instanceManager } from '@/lib/instances/gateway';
import { presentInstance } from '@/lib/instances/present';
import { createInstance, listInstances } from '@/lib/instances/store';

const listQuery = z.object({ appId: z.string().optional(), all: z.string().optional() });

/** Yours; `?all=1` every instance (admins); `?appId=` the instances of one of your app versions. */
export const GET = apiHandler({ access: 'viewer', query: listQuery }, async ({ viewer, query: { appId, all } }) => {
  const scope = all === '1' ? { kind: 'all' as const } : appId ? { kind: 'app' as const, appId } : { kind: 'mine' as const };
  return Response.json(listInstances(viewer, scope).map(presentInstance));
});

const startSchema = z.object({ appId: z.string().min(1).max(100), visibility: visibilitySchema.optional() }).strict();

/** Starts an instance of an app version; it is PENDING until it answers (see its `stage`). */
export const POST = apiHandler({ access: 'viewer', body: startSchema }, async ({ viewer, body }) => {
  const record = createInstance(viewer, body, accessSettings());
  void instanceManager().launch(record.id);
  return Response.json(presentInstance(record), { status: 201 });
});
