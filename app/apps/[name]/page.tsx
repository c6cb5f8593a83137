// Not under app/(catalog): its loading.tsx would start streaming before notFound(), answering 200 instead of 404.
import type { Metadata } from 'next';
import { AppDetails } from '@/components/app/app-details';
import { AppRunControls } from '@/components/instances/app-run-controls';
import { decodeSegment } from '@/lib/catalog/details';
import { appDetailsForRequest } from '@/lib/catalog/details-request';

type Props = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const app = await appDetailsForRequest(decodeSegment((await params).name));
  return { title: app.title, description: app.description || undefined };
}

export default async function AppPage({ params }: Props) {
  const app = await appDetailsForRequest(decodeSegment((await params).name));
  return (
    <main id="main" className="mx-auto max-w-6xl px-4 py-6">
      <AppDetails app={app} runControls={<AppRunControls app={app} />} />
    </main>
  );
}
