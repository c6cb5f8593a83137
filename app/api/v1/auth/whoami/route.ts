import { apiRoute } from '@/lib/api/handler';
import { requireApiViewer } from '@/lib/auth/viewer';

/** Who the caller is: lets the CLI and scripts check a token. */
export const GET = apiRoute(async (request) => {
  const viewer = await requireApiViewer(request);
  return Response.json(viewer);
});
