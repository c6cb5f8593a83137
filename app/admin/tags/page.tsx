import type { Metadata } from 'next';
import { TagChip } from '@/components/tags/tag-chip';
import { CreateTagForm, DeleteTagForm, EditTagForm } from '@/components/tags/tag-forms';
import { requirePage } from '@/lib/auth/viewer';
import { listTags, tagUsage } from '@/lib/tags/tags';
import { createTagAction, deleteTagAction, updateTagAction } from './actions';

export const metadata: Metadata = { title: 'Tags' };

const KIND_LABEL = { category: 'category', badge: 'badge', authorization: 'authorization tag' } as const;

export default async function AdminTagsPage() {
  const viewer = await requirePage('admin', '/admin/tags');
  const tags = listTags();
  const usage = tagUsage();
  return (
    <main id="main" className="mx-auto max-w-6xl space-y-8 px-4 py-6">
      <div>
        <h1 className="text-2xl font-semibold">Tags</h1>
        <p className="mt-1 max-w-3xl text-sm text-gray-700">
          A tag marked as a category is filterable on the catalog; otherwise a tag with visitor roles is an authorization
          tag that shows apps to visitors holding one of those roles; any other tag is a badge shown on the app.
        </p>
      </div>
      <section aria-labelledby="create-tag" className="rounded-lg border border-gray-200 bg-white p-4">
        <h2 id="create-tag" className="mb-3 text-lg font-semibold">
          Create a tag
        </h2>
        <CreateTagForm createTag={createTagAction} />
      </section>
      <section aria-labelledby="all-tags">
        <h2 id="all-tags" className="mb-3 text-lg font-semibold">
          All tags ({tags.length})
        </h2>
        {tags.length === 0 && <p className="text-gray-700">No tags yet.</p>}
        <ul className="space-y-3">
          {tags.map((tag) => {
            const apps = usage.get(tag.id) ?? 0;
            return (
              <li key={tag.id} className="rounded-lg border border-gray-200 bg-white p-4" data-testid="tag-row" data-tag-name={tag.name}>
                <details>
                  <summary className="flex cursor-pointer flex-wrap items-center gap-x-3 gap-y-1">
                    <TagChip tag={tag} />
                    <code className="text-sm">{tag.name}</code>
                    <span className="text-xs text-gray-700">{KIND_LABEL[tag.kind]}</span>
                    <span className="text-xs text-gray-700">{apps === 1 ? '1 app' : `${apps} apps`}</span>
                    {tag.visitorRoles.length > 0 && <span className="text-xs text-gray-700">visitors: {tag.visitorRoles.join(', ')}</span>}
                    {tag.adminRoles.length > 0 && <span className="text-xs text-gray-700">assigned by: {tag.adminRoles.join(', ')}</span>}
                  </summary>
                  <div className="mt-4 space-y-4">
                    <EditTagForm tag={tag} updateTag={updateTagAction} />
                    <DeleteTagForm tag={tag} appCount={apps} deleteTag={deleteTagAction} />
                  </div>
                </details>
              </li>
            );
          })}
        </ul>
      </section>
    </main>
  );
}
