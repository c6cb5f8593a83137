// The OpenID Connect settings an app with `EnableOIDC = true` is started with, so its Wave server signs its
// users in itself (h2o-wave's documented variables: website/docs/configuration.md, "Single Sign On" in
// security.md), for the client the operator registered for apps (OIDC_APP_CLIENT_ID / _SECRET). The redirect
// URL is the instance's own address + `/_auth/callback`, under its base URL. The secret is marked secret, so
// nothing that prints an instance's environment shows it.
import type { OidcConfig } from '@/lib/config';
import type { ResolvedEnv } from '@/lib/runner';

/** `instanceUrl`: the instance's public address with its base URL, ending in `/`. */
export function waveOidcEnv(oidc: OidcConfig | null, instanceUrl: string): ResolvedEnv[] {
  if (!oidc?.app) return [];
  const plain = (name: string, value: string): ResolvedEnv => ({ name, value, secret: false });
  const env = [
    plain('H2O_WAVE_OIDC_PROVIDER_URL', oidc.issuer),
    plain('H2O_WAVE_OIDC_CLIENT_ID', oidc.app.clientId),
    { name: 'H2O_WAVE_OIDC_CLIENT_SECRET', value: oidc.app.clientSecret, secret: true },
    plain('H2O_WAVE_OIDC_REDIRECT_URL', `${instanceUrl}_auth/callback`),
    plain('H2O_WAVE_OIDC_SCOPES', oidc.scope.split(/\s+/).filter(Boolean).join(',')),
  ];
  if (oidc.endSessionUrl) {
    env.push(plain('H2O_WAVE_OIDC_END_SESSION_URL', oidc.endSessionUrl), plain('H2O_WAVE_OIDC_POST_LOGOUT_REDIRECT_URL', instanceUrl));
  }
  return env;
}
