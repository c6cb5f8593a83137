// Server side of an app page's run buttons: what this viewer may do with this app version.
import { accessSettings, getViewer } from '@/lib/auth/viewer';
import { runOptions } from '@/lib/instances/run-options';
import { appUrl, loginUrl } from '@/lib/urls';
import { RunControls } from './run-controls';

export async function AppRunControls({ app }: { app: { id: string; name: string; version: string; title: string } }) {
  const options = await runOptions(await getViewer(), app.id, accessSettings());
  if (!options) return null;
  return <RunControls appId={app.id} title={app.title} options={options} loginHref={loginUrl(appUrl(app.name, app.version))} />;
}
