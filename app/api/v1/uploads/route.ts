import { apiHandler } from '@/lib/api/route';
import { receiveBundle } from '@/lib/apps/receive';
import { registerUpload, userStagingDir } from '@/lib/apps/uploads';
import { IMPORT_NEEDS_FULL_ACCESS } from '@/lib/auth/policy';

/** The import form streams the bundle here first (with progress), then imports it by id. */
export const POST = apiHandler({ access: 'fullAccess', forbidden: IMPORT_NEEDS_FULL_ACCESS }, async ({ request, viewer }) => {
  const { staged } = await receiveBundle(request, userStagingDir(viewer.id));
  const uploadId = await registerUpload(viewer.id, staged);
  return Response.json({ uploadId }, { status: 201 });
});
