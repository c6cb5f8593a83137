import { apiHandler } from '@/lib/api/route';
import { oidcSettings } from '@/lib/auth/oidc';
import { AppError } from '@/lib/errors';

/** What `appstore login --sso` needs to sign in at the identity provider: public settings only. */
export const GET = apiHandler({ access: 'anyone' }, async () => {
  const cli = oidcSettings()?.cli;
  if (!cli) throw new AppError('NOT_FOUND', 'This portal has no single sign-on for the CLI (OIDC_CLI_CLIENT_ID is not set).');
  const { issuer, scope } = oidcSettings()!;
  return Response.json({ issuer, clientId: cli.clientId, audience: cli.audience, scope });
});
