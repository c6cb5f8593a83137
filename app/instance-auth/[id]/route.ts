// DOMAIN routing sign-in: the app host sent the browser here (the portal's own origin, where its session
// cookie is sent). A viewer who may open the instance goes back with a one-time code; see
// lib/auth/instance-session.ts. Everyone else signs in first, or gets 404.
import { canOpenInstance } from '@/lib/auth/instance-policy';
import { HANDOFF_PATH, issueHandoff, safeReturnPath } from '@/lib/auth/instance-session';
import { accessSettings, getSignedIn } from '@/lib/auth/viewer';
import { publicUrl } from '@/lib/config';
import { routerSettings } from '@/lib/instances/router-settings';
import { aliasesOf } from '@/lib/instances/aliases';
import { factsOf, systemGet } from '@/lib/instances/store';
import { instanceUrl } from '@/lib/router/routes';
import { loginUrl } from '@/lib/urls';

type Context = { params: Promise<{ id: string }> };

export async function GET(request: Request, { params }: Context) {
  const { id } = await params;
  const back = safeReturnPath(new URL(request.url).searchParams.get('return'));
  const signedIn = await getSignedIn();
  const record = systemGet(id);
  const headers = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' };
  if (!signedIn) {
    const here = `/instance-auth/${id}?${new URL(request.url).searchParams.toString()}`;
    return new Response(null, { status: 302, headers: { ...headers, location: `${publicUrl()}${loginUrl(here)}` } });
  }
  if (!record || !canOpenInstance(signedIn.viewer, factsOf(record), accessSettings())) {
    return new Response('No such app instance.', { status: 404, headers });
  }
  const code = issueHandoff(signedIn.claim, id);
  // Back to the host the browser came from: the instance's id, or one of its aliases (nothing else).
  const asked = new URL(request.url).searchParams.get('label');
  const label = asked && aliasesOf(id).some((a) => a.name === asked) ? asked : (record.primaryAlias ?? id);
  const target = instanceUrl(label, 'DOMAIN', routerSettings(), `${HANDOFF_PATH}?code=${code}&return=${encodeURIComponent(back)}`);
  return new Response(null, { status: 302, headers: { ...headers, location: target } });
}
