// POST /api/v1/admin/backups: an online backup of the portal's data, streamed as a tar archive (admins).
import { Readable } from 'node:stream';
import { apiHandler } from '@/lib/api/route';
import { backupStream } from '@/lib/backup/backup';

export const POST = apiHandler({ access: 'admin' }, async () => {
  const stream = await backupStream();
  const name = `appstore-backup-${new Date().toISOString().replace(/[:.]/g, '-')}.tar`;
  return new Response(Readable.toWeb(stream) as ReadableStream, {
    headers: {
      'content-type': 'application/x-tar',
      'content-disposition': `attachment; filename="${name}"`,
      'cache-control': 'no-store',
    },
  });
});
