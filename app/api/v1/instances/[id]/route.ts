import { z } from 'zod';
import { apiRoute, readJson, zodProblems } from '@/lib/api/handler';
import { accessSettings, getApiViewer, requireApiViewer } from '@/lib/auth/viewer';
import { AppError } from '@/lib/errors';
import { instanceManager } from '@/lib/instances/gateway';
import { presentInstance } from '@/lib/instances/present';
import { authorizeOperation, getInstance, setAutoSuspend, updateInstanceVisibility } from '@/lib/instances/store';

type Context = { params: Promise<{ id: string }> };

export const GET = apiRoute<Context>(async (request, { params }) => {
  const viewer = await getApiViewer(request);
  return Response.json(presentInstance(getInstance(viewer, (await params).id, accessSettings())));
});

const patchSchema = z
  .object({ visibility: z.enum(['PRIVATE', 'ALL_USERS', 'PUBLIC']), autoSuspend: z.boolean() })
  .partial()
  .strict();

/** The owner changes visibility; admins switch auto-suspend off or on. */
export const PATCH = apiRoute<Context>(async (request, { params }) => {
  const viewer = await requireApiViewer(request);
  const parsed = patchSchema.safeParse(await readJson(request));
  if (!parsed.success) throw new AppError('INVALID_INPUT', 'The change is not valid.', zodProblems(parsed.error.issues));
  const id = (await params).id;
  const settings = accessSettings();
  getInstance(viewer, id, settings);
  if (parsed.data.visibility) updateInstanceVisibility(viewer, id, parsed.data.visibility, settings);
  if (parsed.data.autoSuspend !== undefined) instanceManager().autoSuspendChanged(setAutoSuspend(viewer, id, parsed.data.autoSuspend));
  return Response.json(presentInstance(getInstance(viewer, id, settings)));
});

/** Terminates: the processes end, the volume is deleted, the instance is gone. */
export const DELETE = apiRoute<Context>(async (request, { params }) => {
  const viewer = await requireApiViewer(request);
  const record = authorizeOperation(viewer, (await params).id, 'terminate', accessSettings());
  await instanceManager().terminate(record.id, viewer.id);
  return new Response(null, { status: 204 });
});
