import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AppList } from '@/components/my-apps/app-list';
import { buttonClass } from '@/components/ui/field';
import { canImportApps, canSeeTags } from '@/lib/auth/policy';
import { accessSettings, requirePage } from '@/lib/auth/viewer';
import { groupByName, readAppVersions } from '@/lib/apps/read';
import { tagOptionsFor } from '@/lib/tags/tags';
import { deleteAppVersionAction, updateAppSettingsAction } from '@/lib/apps/actions';

export const metadata: Metadata = { title: 'My Apps' };

export default async function MyAppsPage({ searchParams }: { searchParams: Promise<{ edit?: string | string[] }> }) {
  const viewer = await requirePage('viewer', '/my-apps');
  const { edit } = await searchParams;
  const groups = groupByName(readAppVersions(viewer, accessSettings(), { ownerId: viewer.id }));
  // ?edit=<id> opens the panel only for one of the viewer's own versions.
  const editId = typeof edit === 'string' ? edit : undefined;
  if (editId && !groups.some((g) => g.versions.some((v) => v.id === editId))) notFound();
  const count = groups.reduce((n, g) => n + g.versions.length, 0);
  return (
    <main id="main" className="mx-auto max-w-6xl space-y-6 px-4 py-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">My Apps</h1>
          <p className="text-sm text-gray-700">
            {groups.length} {groups.length === 1 ? 'app' : 'apps'}, {count} {count === 1 ? 'version' : 'versions'}
          </p>
        </div>
        {canImportApps(viewer) && (
          <Link href="/my-apps/import" className={buttonClass}>
            Import app
          </Link>
        )}
      </div>
      <AppList
        actions={{ update: updateAppSettingsAction, delete: deleteAppVersionAction }}
        groups={groups}
        options={tagOptionsFor(viewer)}
        publicMode={accessSettings().publicMode}
        showTags={canSeeTags(viewer)}
        initialEditId={editId}
        emptyText="You have not imported any apps yet."
      />
    </main>
  );
}
