// POST /api/v1/admin/backups: an online backup of the portal's data, streamed as a tar archive (admins).
// The answer starts as soon as the files are set aside; X-Backup-Files and X-Backup-Bytes say what they add
// up to (the tar's headers and the manifest come on top), for the client's progress.
import { Readable } from 'node:stream';
import { apiHandler } from '@/lib/api/route';
import { backupStream } from '@/lib/backup/backup';

export const POST = apiHandler({ access: 'admin' }, async () => {
  const { stream, totals } = await backupStream();
  const name = `appstore-backup-${new Date().toISOString().replace(/[:.]/g, '-')}.tar`;
  return new Response(Readable.toWeb(stream) as ReadableStream, {
    headers: {
      'content-type': 'application/x-tar',
      'content-disposition': `attachment; filename="${name}"`,
      'cache-control': 'no-store',
      'x-backup-files': String(totals.files),
      'x-backup-bytes': String(totals.bytes),
    },
  });
});
