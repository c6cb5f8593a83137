// Where an app version is running for this viewer: the newest DEPLOYED instance they may open (a MANAGED
// app's Visit; the catalog card opens it directly), or 404 when none runs or the version is not theirs to see.
import { apiHandler } from '@/lib/api/route';
import { accessSettings } from '@/lib/auth/viewer';
import { notFound } from '@/lib/errors';
import { newestOpenInstance } from '@/lib/instances/run-options';

type Params = { id: string };

export const GET = apiHandler<'reader', undefined, Params>({ access: 'reader' }, async ({ viewer, params }) => {
  const open = newestOpenInstance(viewer, params.id, accessSettings());
  if (!open) throw notFound('No running instance of this app that you may open.');
  return Response.json(open, { headers: { 'cache-control': 'no-store' } });
});
