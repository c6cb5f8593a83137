import type { Metadata } from 'next';
import { AppDetails } from '@/components/app/app-details';
import { AppRunControls } from '@/components/instances/app-run-controls';
import { appPageForRequest } from '@/lib/apps/page-request';
import { decodeSegment } from '@/lib/urls';

type Props = { params: Promise<{ name: string; version: string }> };

async function load(params: Props['params']) {
  const { name, version } = await params;
  return appPageForRequest(decodeSegment(name), decodeSegment(version));
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { app } = await load(params);
  return { title: `${app.title} ${app.version}`, description: app.description || undefined };
}

export default async function AppVersionPage({ params }: Props) {
  const { app, versions, requirements } = await load(params);
  return (
    <main id="main" className="mx-auto max-w-6xl px-4 py-6">
      <AppDetails app={app} versions={versions} requirements={requirements} runControls={<AppRunControls app={app} />} />
    </main>
  );
}
