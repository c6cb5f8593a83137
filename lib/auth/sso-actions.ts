// The two browser steps of single sign-on that are not Auth.js routes: starting a sign-in at the provider
// (the login page's button) and signing out (the account menu), which for a provider-signed-in session also
// ends the provider's session (RP-initiated logout) and comes back to /login.
import 'server-only';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { config } from '@/lib/config';
import { loginUrl } from '@/lib/urls';
import { signIn, signOut } from './next-auth';
import { settleSignIn } from './oidc-errors';
import { providerSignOutUrl } from './oidc-session';
import { safeReturnPath } from './return-path';
import { portalSessionOf } from './session-reader';

/** Sends the browser to the provider; when the provider cannot be reached, back to /login saying so. */
export async function signInThroughProvider(next: string): Promise<void> {
  const returnTo = safeReturnPath(next);
  const outcome = await settleSignIn(() => signIn('oidc', { redirectTo: returnTo }));
  if (outcome.failure) redirect(loginUrl(returnTo, { error: outcome.failure }));
  if (outcome.thrown) throw outcome.thrown.error; // Next's redirect to the provider
}

/** Ends the portal sessions of the user, then (signed in through the provider) the provider's session too. */
export async function signOutOfPortal(): Promise<void> {
  // The session as every request reads it (lib/auth/session-reader.ts), not a second reading through Auth.js.
  const session = await portalSessionOf((await headers()).get('cookie'));
  const providerUrl = session?.viaProvider ? await providerSignOutUrl(session.claim.userId, config().publicUrl) : null;
  await signOut({ redirect: false });
  redirect(providerUrl ?? '/login');
}
