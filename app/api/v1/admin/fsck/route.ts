// POST /api/v1/admin/fsck `{repair?}`: checks the database and the stored files against each other (admins).
import { z } from 'zod';
import { apiHandler } from '@/lib/api/route';
import { fsck } from '@/lib/backup/fsck';

const schema = z.object({ repair: z.boolean().optional() }).strict();

export const POST = apiHandler({ access: 'admin', body: schema }, async ({ body }) => Response.json(await fsck({ repair: body.repair })));
