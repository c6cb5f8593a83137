import type { Metadata } from 'next';
import { CatalogView } from '@/components/catalog/catalog-view';
import { FirstRun } from '@/components/setup/first-run';
import { accessSettings, requirePage } from '@/lib/auth/viewer';
import { catalogPage } from '@/lib/catalog/catalog';
import { managedOpenUrls } from '@/lib/instances/run-options';
import { catalogHref, parseCatalogParams } from '@/lib/catalog/search-query';

export async function generateMetadata({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }): Promise<Metadata> {
  const { q } = parseCatalogParams(await searchParams);
  return { title: q ? `Search: ${q}` : { absolute: 'App Store' } };
}

export default async function CatalogPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const query = await searchParams;
  const params = parseCatalogParams(query);
  const viewer = await requirePage('reader', catalogHref(params));
  const settings = accessSettings();
  const result = catalogPage(viewer, settings, params);
  return (
    <main id="main" className="mx-auto max-w-6xl space-y-4 px-4 py-6">
      <h1 className="text-2xl font-semibold">App Store</h1>
      <CatalogView params={params} result={result} anonymous={!viewer} openUrls={managedOpenUrls(viewer, result.cards.map((c) => c.id), settings)} />
      {/* First run (components/setup/first-run.tsx): an empty, unfiltered catalog offers Import app and the admin checklist. */}
      {result.total === 0 && <FirstRun viewer={viewer} query={query} />}
    </main>
  );
}
