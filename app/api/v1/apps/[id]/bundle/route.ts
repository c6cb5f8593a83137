import fs from 'node:fs';
import { Readable } from 'node:stream';
import { apiHandler } from '@/lib/api/route';
import { readAppVersion } from '@/lib/apps/read';
import { accessSettings } from '@/lib/auth/viewer';
import { AppError, notFound } from '@/lib/errors';
import { bundlePath } from '@/lib/storage/paths';

type Params = { id: string };

/** The original bundle, for its owner and admins (the platform's download button); anonymous callers get 401. */
export const GET = apiHandler<'viewer', undefined, Params>({ access: 'viewer' }, async ({ viewer, params }) => {
  const app = readAppVersion(viewer, accessSettings(), { id: params.id });
  if (!app) throw notFound('No such app.');
  if (!app.canEdit) throw new AppError('FORBIDDEN', 'Only the owner and administrators may download the bundle.');
  if (app.brokenReason) throw new AppError('CONFLICT', `${app.name} ${app.version} is broken and cannot be downloaded. ${app.brokenReason}`);
  const file = bundlePath(app.bundle.sha256);
  const stream = Readable.toWeb(fs.createReadStream(file)) as ReadableStream<Uint8Array>;
  const filename = `${app.name}.${app.version}.wave`.replace(/[^A-Za-z0-9._-]/g, '_');
  return new Response(stream, {
    headers: {
      'Content-Type': 'application/zip',
      'Content-Length': String(app.bundle.size),
      'Content-Disposition': `attachment; filename="${filename}"`,
      'Cache-Control': 'private, no-store',
      ETag: `"${app.bundle.sha256}"`,
    },
  });
});
