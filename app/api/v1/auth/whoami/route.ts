import { apiHandler } from '@/lib/api/route';

/** Who the caller is: lets the CLI and scripts check a token. */
export const GET = apiHandler({ access: 'viewer' }, async ({ viewer }) => Response.json(viewer));
