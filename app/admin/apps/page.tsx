import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { AppList } from '@/components/my-apps/app-list';
import { secondaryButtonClass } from '@/components/ui/field';
import { VISIBILITIES, visibilitySchema } from '@/lib/apps/visibility';
import { accessSettings, requirePage } from '@/lib/auth/viewer';
import { groupByName, listAppOwners, readAppVersions } from '@/lib/apps/read';
import { tagOptionsFor } from '@/lib/tags/tags';
import { deleteAppVersionAction, updateAppSettingsAction } from '@/lib/apps/actions';

export const metadata: Metadata = { title: 'Apps' };

const one = (v: string | string[] | undefined) => (typeof v === 'string' && v !== '' ? v : undefined);

export default async function AdminAppsPage({
  searchParams,
}: {
  searchParams: Promise<{ owner?: string | string[]; visibility?: string | string[]; edit?: string | string[] }>;
}) {
  const viewer = await requirePage('admin', '/admin/apps');
  const params = await searchParams;
  const ownerId = one(params.owner);
  const visibilityParam = one(params.visibility);
  const visibility = visibilitySchema.safeParse(visibilityParam).data;
  const groups = groupByName(readAppVersions(viewer, accessSettings(), { ownerId, visibility })); // administrators see every version
  const owners = listAppOwners(viewer);
  const editId = one(params.edit);
  if (editId && !groups.some((g) => g.versions.some((v) => v.id === editId))) notFound();
  const count = groups.reduce((n, g) => n + g.versions.length, 0);
  return (
    <main id="main" className="mx-auto max-w-6xl space-y-6 px-4 py-6">
      <h1 className="text-2xl font-semibold">Apps</h1>
      <form method="get" className="flex flex-wrap items-end gap-4 rounded-lg border border-gray-200 bg-white p-4" aria-label="Filter apps">
        <div>
          <label htmlFor="filter-owner" className="block text-sm font-medium">
            Owner
          </label>
          <select id="filter-owner" name="owner" defaultValue={ownerId ?? ''} className="mt-1 rounded-md border border-gray-400 bg-white px-3 py-2">
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
          <select
            id="filter-visibility"
            name="visibility"
            defaultValue={visibility ?? ''}
            className="mt-1 rounded-md border border-gray-400 bg-white px-3 py-2"
          >
            <option value="">Any</option>
            {VISIBILITIES.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className={secondaryButtonClass}>
          Filter
        </button>
      </form>
      <p className="text-sm text-gray-700" role="status">
        {groups.length} {groups.length === 1 ? 'app' : 'apps'}, {count} {count === 1 ? 'version' : 'versions'}
      </p>
      <AppList
        actions={{ update: updateAppSettingsAction, delete: deleteAppVersionAction }}
        groups={groups}
        options={tagOptionsFor(viewer)}
        publicMode={accessSettings().publicMode}
        showTags
        showOwner
        initialEditId={editId}
        emptyText="No apps match."
      />
    </main>
  );
}
