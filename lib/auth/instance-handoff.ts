// The portal's side of signing in on an app host (DOMAIN routing): the one-time code of lib/auth/instance-session.ts,
// issued only to a viewer signed in with a session here who may open the instance.
import 'server-only';
import { notFound } from '@/lib/errors';
import { canOpenInstance, type InstanceFacts } from './instance-policy';
import { issueHandoff } from './instance-session';
import { accessSettings, getSignedIn } from './viewer';

/**
 * A code for the signed-in viewer to take to instance `id`'s host; 404 (as for an instance that does not exist)
 * when there is no such instance (`facts` null), no session (an API token is no browser session), or the viewer
 * may not open it.
 */
export async function instanceHandoff(id: string, facts: InstanceFacts | null): Promise<string> {
  const signedIn = await getSignedIn();
  if (!signedIn || !facts || !canOpenInstance(signedIn.viewer, facts, accessSettings())) throw notFound('No such app instance.');
  return issueHandoff(signedIn.claim, id);
}
