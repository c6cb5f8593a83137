// A LINK app's Visit: a redirect to the address stored with that app version, for viewers who may
// see it. The target never comes from the request, so this is not an open redirect.
import { getApiViewer, accessSettings } from '@/lib/auth/viewer';
import { readAppVersion } from '@/lib/apps/read';
import { allowPrivateLinkAddresses } from '@/lib/config';
import { linkAddressProblem } from '@/lib/manifest/link-address';
import { decodeSegment } from '@/lib/urls';

const notFound = () => new Response('Not found.', { status: 404, headers: { 'Cache-Control': 'private, no-store' } });

export async function GET(request: Request, { params }: { params: Promise<{ name: string; version: string }> }) {
  const { name, version } = await params;
  let viewer;
  try {
    viewer = await getApiViewer(request);
  } catch {
    return notFound(); // a bad Bearer token sees nothing
  }
  const app = readAppVersion(viewer, accessSettings(), { name: decodeSegment(name), version: decodeSegment(version) });
  if (!app || app.kind !== 'link' || !app.linkAddress) return notFound();
  // Rows stored before the current address rules are held to them too.
  if (linkAddressProblem(app.linkAddress, { allowPrivate: allowPrivateLinkAddresses() })) return notFound();
  const target = new URL(app.linkAddress);
  return new Response(null, {
    status: 302,
    headers: { Location: target.href, 'Cache-Control': 'private, no-store', 'Referrer-Policy': 'no-referrer' },
  });
}
