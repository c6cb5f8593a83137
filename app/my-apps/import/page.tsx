import type { Metadata } from 'next';
import Link from 'next/link';
import { ImportForm } from '@/components/import/import-form';
import { importUploadAction } from './actions';
import { canImportApps } from '@/lib/auth/policy';
import { requirePage } from '@/lib/auth/viewer';
import { bundleLimits, publicMode } from '@/lib/config';

export const metadata: Metadata = { title: 'Import app' };

export default async function ImportPage() {
  const viewer = await requirePage('viewer', '/my-apps/import');
  const maxMiB = Math.round(bundleLimits().BUNDLE_MAX_BYTES / (1024 * 1024));
  return (
    <main id="main" className="mx-auto max-w-2xl space-y-6 px-4 py-6">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link prefetch={false} href="/my-apps" className="text-blue-800 hover:underline">
          My Apps
        </Link>
      </nav>
      <h1 className="text-2xl font-semibold">Import app</h1>
      {canImportApps(viewer) ? (
        <>
          <p className="text-gray-700">
            A bundle is a zip with <code>app.toml</code>, <code>static/</code> icon and screenshots and your source. Up to{' '}
            {maxMiB} MiB. Versions are immutable: to change an app, import a new Version.
          </p>
          <ImportForm publicMode={publicMode()} action={importUploadAction} />
        </>
      ) : (
        <p role="alert" className="rounded-md border border-amber-300 bg-amber-50 p-4 text-amber-950">
          Your account has visitor access only: importing apps needs full access. Ask an administrator.
        </p>
      )}
    </main>
  );
}
