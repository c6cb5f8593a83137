import type { Metadata } from 'next';
import { TagChip } from '@/components/tags/tag-chip';
import { CreateTagForm, DeleteTagForm, EditTagForm } from '@/components/tags/tag-forms';
import { requirePage } from '@/lib/auth/viewer';
import { fullAccessRole } from '@/lib/config';
import { listTags, tagUsage } from '@/lib/tags/tags';
import { createTagAction, deleteTagAction, updateTagAction } from './actions';

export const metadata: Metadata = { title: 'Tags' };

const KIND_LABEL = { category: 'category', badge: 'badge', authorization: 'authorization tag' } as const;

export default async function AdminTagsPage() {
  const viewer = await requirePage('admin', '/admin/tags');
  const tags = listTags();
  const usage = tagUsage();
  // Without FULL_ACCESS_ROLE everyone has full access: there are no visitors for authorization tags to admit.
  const noVisitors = fullAccessRole() === '';
  return (
    <main id="main" className="mx-auto max-w-6xl space-y-8 px-4 py-6">
      <div>
        <h1 className="text-2xl font-semibold">Tags</h1>
        <p className="mt-1 max-w-3xl text-sm text-gray-700">
          A tag marked as a category is filterable on the catalog; otherwise a tag with visitor roles is an authorization
          tag that shows apps to visitors holding one of those roles; any other tag is a badge shown on the app.
        </p>
        {noVisitors && (
          <p className="mt-3 max-w-3xl rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950" data-testid="no-visitors-note">
            <code>FULL_ACCESS_ROLE</code> is not set, so everyone who signs in has full access and there are no visitors:
            authorization tags (visitor roles) have no effect until it is set.
          </p>
        )}
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
                    {tag.kind === 'authorization' && noVisitors && (
                      <span className="text-xs text-amber-900">no effect until FULL_ACCESS_ROLE is set</span>
                    )}
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
