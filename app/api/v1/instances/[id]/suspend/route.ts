import { apiRoute } from '@/lib/api/handler';
import { operateInstance } from '@/lib/instances/operations';

type Context = { params: Promise<{ id: string }> };

export const POST = apiRoute<Context>(async (request, { params }) =>
  Response.json(await operateInstance(request, (await params).id, 'suspend')),
);
