import fs from 'node:fs';
import { Readable } from 'node:stream';
import { apiRoute } from '@/lib/api/handler';
import { getAppForViewer } from '@/lib/apps/queries';
import { canDownloadBundle } from '@/lib/auth/policy';
import { accessSettings, requireApiViewer } from '@/lib/auth/viewer';
import { AppError, notFound } from '@/lib/errors';
import { bundlePath } from '@/lib/storage/paths';

type Context = { params: Promise<{ id: string }> };

/** The original bundle, for its owner and admins (the platform's download button); anonymous callers get 401. */
export const GET = apiRoute<Context>(async (request, { params }) => {
  const viewer = await requireApiViewer(request);
  const details = getAppForViewer(viewer, (await params).id, accessSettings());
  if (!details) throw notFound('No such app.');
  if (!canDownloadBundle(viewer, details.app)) throw new AppError('FORBIDDEN', 'Only the owner and administrators may download the bundle.');
  const { app } = details;
  const file = bundlePath(app.bundleSha256);
  const stream = Readable.toWeb(fs.createReadStream(file)) as ReadableStream<Uint8Array>;
  const filename = `${app.name}.${app.version}.wave`.replace(/[^A-Za-z0-9._-]/g, '_');
  return new Response(stream, {
    headers: {
      'Content-Type': 'application/zip',
      'Content-Length': String(app.bundleSize),
      'Content-Disposition': `attachment; filename="${filename}"`,
      'Cache-Control': 'private, no-store',
      ETag: `"${app.bundleSha256}"`,
    },
  });
});
