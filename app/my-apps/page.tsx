import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AppList } from '@/components/my-apps/app-list';
import { ListPagination, ListSearchForm, rangeText } from '@/components/lists/list-controls';
import { buttonClass } from '@/components/ui/field';
import { canImportApps, canSeeTags } from '@/lib/auth/policy';
import { accessSettings, requirePage } from '@/lib/auth/viewer';
import { listItemOf, readAppGroupPage, readAppVersion } from '@/lib/apps/read';
import { APP_SORT_CHOICES, APPS_PAGE_SIZE, MY_APPS_SORTS } from '@/lib/apps/list-choices';
import { listHref, parseListParams, type SearchParams } from '@/lib/list-params';
import { tagOptionsFor } from '@/lib/tags/tags';
import { deleteAppVersionAction, updateAppSettingsAction } from '@/lib/apps/actions';

export const metadata: Metadata = { title: 'My Apps' };

export default async function MyAppsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const viewer = await requirePage('viewer', '/my-apps');
  const params = await searchParams;
  const list = parseListParams(params, MY_APPS_SORTS, 'name');
  const settings = accessSettings();
  const result = readAppGroupPage(viewer, settings, { ownerId: viewer.id, search: list.q, sort: list.sort, page: list.page, pageSize: APPS_PAGE_SIZE });
  // ?edit=<id> opens the panel only for one of the viewer's own versions, wherever it is in the list.
  const editId = typeof params.edit === 'string' ? params.edit : undefined;
  const editing = editId ? readAppVersion(viewer, settings, { id: editId, ownerId: viewer.id }) : null;
  if (editId && !editing) notFound();
  const href = (page: number) => listHref('/my-apps', { q: list.q, sort: list.sort, page }, { sort: 'name' });
  const shown = result.groups.length;
  return (
    <main id="main" className="mx-auto max-w-6xl space-y-6 px-4 py-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">My Apps</h1>
          <p className="text-sm text-gray-700" role="status" data-testid="list-summary">
            {rangeText(result.page, APPS_PAGE_SIZE, shown, result.names, ['app', 'apps'])}
            {result.versions > 0 && `, ${result.versions} ${result.versions === 1 ? 'version' : 'versions'}`}
          </p>
        </div>
        {canImportApps(viewer) && (
          <Link prefetch={false} href="/my-apps/import" className={buttonClass}>
            Import app
          </Link>
        )}
      </div>
      <ListSearchForm
        action="/my-apps"
        label="Search my apps"
        idPrefix="my-apps"
        q={list.q}
        searchHint="Name or title"
        sort={list.sort}
        sorts={APP_SORT_CHOICES.filter((c) => MY_APPS_SORTS.includes(c.value))}
        active={list.q !== '' || list.sort !== 'name'}
      />
      <AppList
        actions={{ update: updateAppSettingsAction, delete: deleteAppVersionAction }}
        groups={result.groups}
        options={tagOptionsFor(viewer)}
        publicMode={settings.publicMode}
        showTags={canSeeTags(viewer)}
        initialEdit={editing ? listItemOf(editing) : undefined}
        emptyText={list.q ? 'None of your apps match.' : 'You have not imported any apps yet.'}
      />
      <ListPagination page={result.page} pageCount={result.pageCount} href={href} label="My Apps pages" />
    </main>
  );
}
