// A LINK app's Visit: a redirect to the address stored with that app version, for viewers who may
// see it. The target never comes from the request, so this is not an open redirect.
import { apiHandler } from '@/lib/api/route';
import { accessSettings } from '@/lib/auth/viewer';
import { readAppVersion } from '@/lib/apps/read';
import { allowPrivateLinkAddresses } from '@/lib/config';
import { notFound } from '@/lib/errors';
import { linkAddressProblem } from '@/lib/manifest/link-address';
import { decodeSegment } from '@/lib/urls';

/** A version the viewer may not see (a bad Bearer token sees nothing) answers 404, as one that does not exist. */
export const GET = apiHandler<'reader', undefined, { name: string; version: string }>(
  { access: 'reader', hidden: true },
  async ({ viewer, params: { name, version } }) => {
    const app = readAppVersion(viewer, accessSettings(), { name: decodeSegment(name), version: decodeSegment(version) });
    if (!app || app.kind !== 'link' || !app.linkAddress) throw notFound();
    // Rows stored before the current address rules are held to them too.
    if (linkAddressProblem(app.linkAddress, { allowPrivate: allowPrivateLinkAddresses() })) throw notFound();
    const target = new URL(app.linkAddress);
    return new Response(null, {
      status: 302,
      headers: { Location: target.href, 'Cache-Control': 'private, no-store', 'Referrer-Policy': 'no-referrer' },
    });
  },
);
