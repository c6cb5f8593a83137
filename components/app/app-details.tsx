// The app details page body: header (title first, then Name and version, and a pointer to the latest version
// on an older one), actions, facts, runtime, what the app needs (owner and admins), long description,
// screenshots, versions.
import Link from 'next/link';
import type { AppVersionView, VersionEntry } from '@/lib/apps/read';
import { formatUtc } from '@/lib/format';
import { AppIcon } from '@/components/catalog/app-icon';
import { TagChips } from '@/components/catalog/tag-chips';
import { BrokenVersionNotice } from './broken-version-notice';
import { LongDescription } from './long-description';
import { RuntimeSummary } from './runtime-summary';
import { ScreenshotGallery } from './screenshot-gallery';
import { VersionsList } from './versions-list';
import { appUrl, bundleDownloadUrl, visitUrl } from '@/lib/urls';
import type { AppRequirements } from '@/lib/apps/requirements';
import { AppRequirementsPanel } from './app-requirements';

const button =
  'inline-flex items-center gap-1 rounded-md px-4 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-700';

/**
 * `runControls`: the Run / Open / Visit buttons of a runnable app (components/instances/run-controls).
 * `requirements`: what the app needs, for its owner and administrators (null for everyone else).
 */
export function AppDetails({
  app,
  versions,
  requirements,
  runControls,
}: {
  app: AppVersionView;
  versions: VersionEntry[];
  requirements?: AppRequirements | null;
  runControls?: React.ReactNode;
}) {
  const latest = versions[0];
  const facts: [string, React.ReactNode][] = [
    ['Name', <code key="n">{app.name}</code>],
    ['Version', app.version],
    ['Owner', app.owner.email ? `${app.owner.name} (${app.owner.email})` : app.owner.name],
    ['Imported', <time key="t" dateTime={app.importedAt.toISOString()}>{formatUtc(app.importedAt)}</time>],
    ['Visibility', app.visibility],
  ];
  return (
    <article className="space-y-6">
      <header className="flex flex-col gap-4 sm:flex-row sm:items-start">
        <AppIcon url={app.icon} name={app.name} title={app.title} size={72} />
        <div className="min-w-0 flex-1 space-y-2">
          <h1 className="text-2xl font-semibold text-gray-900">{app.title}</h1>
          {/* The machine Name is secondary; a long Name wraps and never hides the version. */}
          <p className="text-sm text-gray-700" data-testid="app-name-version">
            <code className="break-all">{app.name}</code> <span className="whitespace-nowrap">{`version ${app.version}`}</span>
          </p>
          {latest && latest.id !== app.id && (
            <p className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950" data-testid="older-version">
              This is an older version. The latest is{' '}
              <Link prefetch={false} href={appUrl(app.name, latest.version)} className="font-medium underline">
                version {latest.version}
              </Link>
              .
            </p>
          )}
          {app.description && <p className="text-gray-800">{app.description}</p>}
          <TagChips tags={app.tags} />
        </div>
        <div className="flex flex-wrap gap-2">
          {runControls}
          {app.kind === 'link' && app.linkAddress && (
            <a href={visitUrl(app.name, app.version)} rel="nofollow noopener noreferrer" className={`${button} bg-blue-700 text-white hover:bg-blue-800`}>
              Visit
              <span aria-hidden="true">↗</span>
            </a>
          )}
          {app.canEdit && !app.brokenReason && (
            <a href={bundleDownloadUrl(app.id)} download className={`${button} border border-gray-400 bg-white text-gray-900 hover:bg-gray-100`}>
              Download
            </a>
          )}
        </div>
      </header>
      <BrokenVersionNotice reason={app.brokenReason} canEdit={app.canEdit} />
      <div className="grid gap-6 lg:grid-cols-[1fr_18rem]">
        <div className="min-w-0 space-y-6">
          {app.screenshots.length > 0 && (
            <section aria-labelledby="screenshots-heading">
              <h2 id="screenshots-heading" className="mb-2 text-base font-semibold">
                Screenshots
              </h2>
              <ScreenshotGallery urls={app.screenshots} title={app.title} />
            </section>
          )}
          {app.longDescription.trim() && (
            <section aria-labelledby="about-heading">
              <h2 id="about-heading" className="mb-2 text-base font-semibold">
                About
              </h2>
              <LongDescription
                source={app.longDescription}
                assets={{ appId: app.id, icon: app.icon, screenshots: app.screenshots }}
              />
            </section>
          )}
        </div>
        <aside className="space-y-4">
          <section aria-labelledby="facts-heading" className="rounded-lg border border-gray-200 bg-white p-4">
            <h2 id="facts-heading" className="mb-2 text-base font-semibold">
              Details
            </h2>
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
              {facts.map(([label, value]) => (
                <div key={label} className="contents">
                  <dt className="text-gray-700">{label}</dt>
                  <dd className="break-all text-gray-900">{value}</dd>
                </div>
              ))}
            </dl>
          </section>
          <RuntimeSummary app={app} />
          {requirements && <AppRequirementsPanel needs={requirements} />}
          <VersionsList name={app.name} versions={versions} currentId={app.id} />
        </aside>
      </div>
    </article>
  );
}
