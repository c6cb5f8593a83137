import { apiHandler } from '@/lib/api/route';
import { oidcSettings } from '@/lib/auth/oidc';
import { AppError } from '@/lib/errors';

/** What `appstore login --sso` needs to sign in at the identity provider: public settings only. */
export const GET = apiHandler({ access: 'anyone' }, async () => {
  const cli = oidcSettings()?.cli;
  if (!cli) throw new AppError('NOT_FOUND', 'This portal has no single sign-on for the CLI (OIDC_CLI_CLIENT_ID is not set).');
  const { issuer, scope } = oidcSettings()!;
  // OIDC_CLI_SCOPE names the API in its scopes (Azure AD's `api://…/.default`): then no `resource` parameter,
  // which Azure AD v2 refuses; otherwise the sign-in scopes with `resource` = the API's audience (RFC 8707).
  return Response.json({
    issuer,
    clientId: cli.clientId,
    audience: cli.audience,
    scope: cli.scope ?? scope,
    resource: cli.scope ? null : cli.audience,
  });
});
