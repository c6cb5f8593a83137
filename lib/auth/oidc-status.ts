// What the admin page shows about single sign-on: the configuration in effect (never a secret) and whether
// the provider answers its discovery document, with the endpoints the portal relies on.
import 'server-only';
import { config } from '@/lib/config';
import { discover } from './oidc-discovery';

export interface OidcOverview {
  issuer: string;
  name: string;
  clientId: string;
  scope: string;
  rolesClaim: string;
  subjectClaim: string;
  adminRole: string;
  /** Empty: every signed-in user has full access. */
  fullAccessRole: string;
  refreshIntervalSeconds: number;
  redirectUri: string;
  cliClientId: string | null;
  apiAudience: string | null;
  cliSubjectClaim: string | null;
  /** OIDC_CLI_SCOPE, or null: the sign-in scopes with a `resource` parameter. */
  cliScope: string | null;
  appClientId: string | null;
}

export type ProviderAnswer =
  | { ok: true; endSession: boolean; deviceAuthorization: boolean; jwks: boolean }
  | { ok: false; problem: string };

/** The OIDC settings in effect, without secrets; null when single sign-on is off. */
export function oidcOverview(): OidcOverview | null {
  const c = config();
  if (!c.oidc) return null;
  return {
    issuer: c.oidc.issuer,
    name: c.oidc.name,
    clientId: c.oidc.clientId,
    scope: c.oidc.scope,
    rolesClaim: c.oidc.rolesClaim,
    subjectClaim: c.oidc.subjectClaim,
    adminRole: c.oidc.adminRole,
    fullAccessRole: c.fullAccessRole,
    refreshIntervalSeconds: c.oidc.refreshIntervalSeconds,
    redirectUri: `${c.publicUrl}/api/auth/callback/oidc`,
    cliClientId: c.oidc.cli?.clientId ?? null,
    apiAudience: c.oidc.cli?.audience ?? null,
    cliSubjectClaim: c.oidc.cli?.subjectClaim ?? null,
    cliScope: c.oidc.cli?.scope ?? null,
    appClientId: c.oidc.app?.clientId ?? null,
  };
}

/** Asks the provider for its discovery document now. */
export async function providerAnswer(): Promise<ProviderAnswer> {
  const settings = config().oidc;
  if (!settings) return { ok: false, problem: 'Single sign-on is not configured.' };
  try {
    const as = await discover(settings, true);
    return { ok: true, endSession: !!as.end_session_endpoint, deviceAuthorization: !!as.device_authorization_endpoint, jwks: !!as.jwks_uri };
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    return { ok: false, problem: `${name}${typeof code === 'string' ? ` (${code})` : ''}: ${error instanceof Error ? error.message.slice(0, 200) : 'no answer'}` };
  }
}
