import { z } from 'zod';
import { apiRoute, readJson, zodProblems } from '@/lib/api/handler';
import { accessSettings, requireApiViewer } from '@/lib/auth/viewer';
import { AppError } from '@/lib/errors';
import { instanceManager } from '@/lib/instances/gateway';
import { presentInstance } from '@/lib/instances/present';
import { createInstance, listInstances } from '@/lib/instances/store';

/** Yours; `?all=1` every instance (admins); `?appId=` the instances of one of your app versions. */
export const GET = apiRoute(async (request) => {
  const viewer = await requireApiViewer(request);
  const url = new URL(request.url);
  const appId = url.searchParams.get('appId');
  const scope = url.searchParams.get('all') === '1' ? { kind: 'all' as const } : appId ? { kind: 'app' as const, appId } : { kind: 'mine' as const };
  return Response.json(listInstances(viewer, scope).map(presentInstance));
});

const startSchema = z.object({ appId: z.string().min(1).max(100), visibility: z.enum(['PRIVATE', 'ALL_USERS', 'PUBLIC']).optional() }).strict();

/** Starts an instance of an app version; it is PENDING until it answers (see its `stage`). */
export const POST = apiRoute(async (request) => {
  const viewer = await requireApiViewer(request);
  const parsed = startSchema.safeParse(await readJson(request));
  if (!parsed.success) throw new AppError('INVALID_INPUT', 'The request is not valid.', zodProblems(parsed.error.issues));
  const record = createInstance(viewer, parsed.data, accessSettings());
  void instanceManager().launch(record.id);
  return Response.json(presentInstance(record), { status: 201 });
});
