// DOMAIN routing sign-in: the app host sent the browser here (the portal's own origin, where its session
// cookie is sent). A viewer who may open the instance goes back with a one-time code (lib/auth/instance-handoff.ts);
// everyone else signs in first, or gets 404.
import { z } from 'zod';
import { apiHandler } from '@/lib/api/route';
import { instanceHandoff } from '@/lib/auth/instance-handoff';
import { HANDOFF_PATH, safeReturnPath } from '@/lib/auth/instance-session';
import { publicUrl } from '@/lib/config';
import { routerSettings } from '@/lib/instances/router-settings';
import { aliasesOf } from '@/lib/instances/aliases';
import { factsOf, systemGet } from '@/lib/instances/store';
import { instanceUrl } from '@/lib/router/routes';
import { loginUrl } from '@/lib/urls';

const HEADERS = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' };

const query = z.object({ return: z.string().optional(), label: z.string().optional() });

export const GET = apiHandler<'anyone', undefined, { id: string }, typeof query>(
  { access: 'anyone', hidden: true, query },
  async ({ request, viewer, params: { id }, query }) => {
    if (!viewer) {
      const here = `/instance-auth/${id}?${new URL(request.url).searchParams.toString()}`;
      return new Response(null, { status: 302, headers: { ...HEADERS, location: `${publicUrl()}${loginUrl(here)}` } });
    }
    const record = systemGet(id);
    const code = await instanceHandoff(id, record && factsOf(record));
    // Back to the host the browser came from: the instance's id, or one of its aliases (nothing else).
    const label = query.label && aliasesOf(id).some((a) => a.name === query.label) ? query.label : (record!.primaryAlias ?? id);
    const back = safeReturnPath(query.return);
    const target = instanceUrl(label, 'DOMAIN', routerSettings(), `${HANDOFF_PATH}?code=${code}&return=${encodeURIComponent(back)}`);
    return new Response(null, { status: 302, headers: { ...HEADERS, location: target } });
  },
);
