import { apiHandler } from '@/lib/api/route';
import { TAGS_NEED_FULL_ACCESS } from '@/lib/auth/policy';
import { createTag, listTags, tagInputSchema } from '@/lib/tags/tags';

export const GET = apiHandler({ access: 'fullAccess', forbidden: TAGS_NEED_FULL_ACCESS }, async () => Response.json(listTags()));

export const POST = apiHandler({ access: 'admin', body: tagInputSchema, invalid: 'The tag is not valid.' }, async ({ viewer, body }) =>
  Response.json(createTag(viewer, body), { status: 201 }),
);
