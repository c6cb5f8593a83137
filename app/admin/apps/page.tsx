import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { AppList } from '@/components/my-apps/app-list';
import { controlClass, ListPagination, ListSearchForm, rangeText } from '@/components/lists/list-controls';
import { VISIBILITIES, visibilitySchema } from '@/lib/apps/visibility';
import { accessSettings, requirePage } from '@/lib/auth/viewer';
import { listAppOwners, listItemOf, readAppGroupPage, readAppVersion } from '@/lib/apps/read';
import { ADMIN_APPS_SORTS, APP_SORT_CHOICES, APPS_PAGE_SIZE } from '@/lib/apps/list-choices';
import { listHref, parseListParams, type SearchParams } from '@/lib/list-params';
import { tagOptionsFor } from '@/lib/tags/tags';
import { deleteAppVersionAction, updateAppSettingsAction } from '@/lib/apps/actions';

export const metadata: Metadata = { title: 'Apps' };

const one = (v: string | string[] | undefined) => (typeof v === 'string' && v !== '' ? v : undefined);

export default async function AdminAppsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const viewer = await requirePage('admin', '/admin/apps');
  const params = await searchParams;
  const list = parseListParams(params, ADMIN_APPS_SORTS, 'name');
  const ownerId = one(params.owner);
  const visibility = visibilitySchema.safeParse(one(params.visibility)).data;
  const settings = accessSettings();
  // Administrators see every version; their search also matches the owner's name and e-mail.
  const result = readAppGroupPage(viewer, settings, {
    ownerId,
    visibility,
    search: list.q,
    searchOwners: true,
    sort: list.sort,
    page: list.page,
    pageSize: APPS_PAGE_SIZE,
  });
  const owners = listAppOwners(viewer);
  const editId = one(params.edit);
  const editing = editId ? readAppVersion(viewer, settings, { id: editId }) : null;
  if (editId && !editing) notFound();
  const href = (page: number) => listHref('/admin/apps', { q: list.q, owner: ownerId, visibility, sort: list.sort, page }, { sort: 'name' });
  return (
    <main id="main" className="mx-auto max-w-6xl space-y-6 px-4 py-6">
      <h1 className="text-2xl font-semibold">Apps</h1>
      <ListSearchForm
        action="/admin/apps"
        label="Filter apps"
        idPrefix="admin-apps"
        q={list.q}
        searchHint="Name, title or owner"
        sort={list.sort}
        sorts={APP_SORT_CHOICES}
        active={list.q !== '' || list.sort !== 'name' || ownerId !== undefined || visibility !== undefined}
      >
        <div>
          <label htmlFor="filter-owner" className="block text-sm font-medium">
            Owner
          </label>
          <select id="filter-owner" name="owner" defaultValue={ownerId ?? ''} className={controlClass}>
            <option value="">Everyone</option>
            {owners.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name} ({o.email})
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="filter-visibility" className="block text-sm font-medium">
            Visibility
          </label>
          <select id="filter-visibility" name="visibility" defaultValue={visibility ?? ''} className={controlClass}>
            <option value="">Any</option>
            {VISIBILITIES.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </div>
      </ListSearchForm>
      <p className="text-sm text-gray-700" role="status" data-testid="list-summary">
        {rangeText(result.page, APPS_PAGE_SIZE, result.groups.length, result.names, ['app', 'apps'])}
        {result.versions > 0 && `, ${result.versions} ${result.versions === 1 ? 'version' : 'versions'}`}
      </p>
      <AppList
        actions={{ update: updateAppSettingsAction, delete: deleteAppVersionAction }}
        groups={result.groups}
        options={tagOptionsFor(viewer)}
        publicMode={settings.publicMode}
        showTags
        showOwner
        initialEdit={editing ? listItemOf(editing) : undefined}
        emptyText="No apps match."
      />
      <ListPagination page={result.page} pageCount={result.pageCount} href={href} label="Apps pages" />
    </main>
  );
}
