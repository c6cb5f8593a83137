import { apiRoute } from '@/lib/api/handler';
import { receiveBundle } from '@/lib/apps/receive';
import { registerUpload, userStagingDir } from '@/lib/apps/uploads';
import { canImportApps } from '@/lib/auth/policy';
import { requireApiViewer } from '@/lib/auth/viewer';
import { AppError } from '@/lib/errors';

/** The import form streams the bundle here first (with progress), then imports it by id. */
export const POST = apiRoute(async (request) => {
  const viewer = await requireApiViewer(request);
  if (!canImportApps(viewer)) {
    throw new AppError('FORBIDDEN', 'Your account has visitor access only: importing apps needs full access.');
  }
  const { staged } = await receiveBundle(request, userStagingDir(viewer.id));
  const uploadId = await registerUpload(viewer.id, staged);
  return Response.json({ uploadId, size: staged.size, sha256: staged.sha256 }, { status: 201 });
});
