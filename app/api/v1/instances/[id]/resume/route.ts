import { apiHandler } from '@/lib/api/route';
import { operate } from '@/lib/instances/operations';

export const POST = apiHandler<'viewer', undefined, { id: string }>({ access: 'viewer' }, async ({ viewer, params }) =>
  Response.json(await operate(viewer, params.id, 'resume')),
);
