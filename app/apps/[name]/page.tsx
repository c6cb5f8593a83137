// Not under app/(catalog): its loading.tsx would start streaming before notFound(), answering 200 instead of 404.
import type { Metadata } from 'next';
import { AppDetails } from '@/components/app/app-details';
import { AppRunControls } from '@/components/instances/app-run-controls';
import { appPageForRequest } from '@/lib/apps/page-request';
import { decodeSegment } from '@/lib/urls';

type Props = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { app } = await appPageForRequest(decodeSegment((await params).name));
  return { title: app.title, description: app.description || undefined };
}

export default async function AppPage({ params }: Props) {
  const { app, versions, requirements } = await appPageForRequest(decodeSegment((await params).name));
  return (
    <main id="main" className="mx-auto max-w-6xl px-4 py-6">
      <AppDetails app={app} versions={versions} requirements={requirements} runControls={<AppRunControls app={app} />} />
    </main>
  );
}
