// One tag, addressed by id or by name.
import { apiHandler } from '@/lib/api/route';
import { TAGS_NEED_FULL_ACCESS } from '@/lib/auth/policy';
import { notFound } from '@/lib/errors';
import { deleteTag, findTag, tagPatchSchema, updateTag } from '@/lib/tags/tags';

type Params = { id: string };

export const GET = apiHandler<'fullAccess', undefined, Params>({ access: 'fullAccess', forbidden: TAGS_NEED_FULL_ACCESS }, async ({ params }) => {
  const tag = findTag(params.id);
  if (!tag) throw notFound('No such tag.');
  return Response.json(tag);
});

export const PATCH = apiHandler<'admin', typeof tagPatchSchema, Params>(
  { access: 'admin', body: tagPatchSchema, invalid: 'The change is not valid.' },
  async ({ viewer, body, params }) => Response.json(updateTag(viewer, params.id, body)),
);

export const DELETE = apiHandler<'admin', undefined, Params>({ access: 'admin' }, async ({ viewer, params }) => {
  deleteTag(viewer, params.id);
  return new Response(null, { status: 204 });
});
