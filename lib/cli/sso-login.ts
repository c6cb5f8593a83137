// `appstore login --sso`: signs in at the portal's identity provider with the OAuth 2.0 device authorization
// grant (RFC 8628) as the CLI's public client, or, when the provider has none, with the authorization code flow
// and PKCE through a loopback redirect (lib/cli/sso-loopback.ts); stores the provider's access token with its
// refresh token; later commands refresh it when it has expired (freshSsoToken). The portal accepts these tokens.
import * as oauth from 'oauth4webapi';
import { writeConfig, type SsoSession, type StoredConfig } from './config-file';
import { CliError } from './errors';
import { errorMessage, readAnswer, send } from './http';
import type { CliIo, Env } from './io';
import { loopbackSignIn } from './sso-loopback';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** http:// only for a provider on loopback (as the portal's own configuration allows). */
function transport(issuer: URL) {
  if (issuer.protocol === 'https:') return { [oauth.allowInsecureRequests]: false };
  if (issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname)) return { [oauth.allowInsecureRequests]: true };
  throw new CliError(`the identity provider ${issuer.href} is not https`);
}

async function discover(issuerUrl: string) {
  const issuer = new URL(issuerUrl);
  const options = transport(issuer);
  try {
    return { as: await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, options)), options };
  } catch (error) {
    throw new CliError(`the identity provider ${issuer.href} does not answer (${(error as Error).message})`);
  }
}

function refusal(error: unknown): CliError {
  if (error instanceof oauth.ResponseBodyError) {
    if (error.error === 'access_denied') return new CliError('the sign-in was refused at the identity provider');
    if (error.error === 'expired_token') return new CliError('the code expired before it was confirmed; run `appstore login --sso` again');
    return new CliError(`the identity provider refused the sign-in (${error.error})`);
  }
  return new CliError(`the sign-in failed: ${(error as Error).message}`);
}

export async function ssoLogin(url: string, io: CliIo, options: { openBrowser: boolean } = { openBrowser: true }): Promise<number> {
  const res = await send(`${url}/api/v1/auth/sso`, { headers: { accept: 'application/json' } });
  const { json } = await readAnswer(res);
  if (!res.ok) throw new CliError(`single sign-on is not available: ${errorMessage(res, json)}`);
  const info = json as { issuer?: unknown; clientId?: unknown; audience?: unknown; scope?: unknown; resource?: unknown };
  if (typeof info.issuer !== 'string' || typeof info.clientId !== 'string' || typeof info.audience !== 'string' || typeof info.scope !== 'string') {
    throw new CliError('the portal answered without its single sign-on settings');
  }
  // Portals before OIDC_CLI_SCOPE answered no `resource`: their audience was sent as the resource.
  const resource = typeof info.resource === 'string' ? info.resource : info.resource === null ? null : info.audience;
  const { as, options: transport } = await discover(info.issuer);
  const client: oauth.Client = { client_id: info.clientId };
  const scope = [...new Set([...info.scope.split(/\s+/), 'openid', 'offline_access'])].filter(Boolean).join(' ');
  const tokens = as.device_authorization_endpoint
    ? await deviceSignIn(io, as, client, scope, resource, transport)
    : await loopbackSignIn(io, { as, client, scope, resource, transport, openBrowser: options.openBrowser });

  const who = await send(`${url}/api/v1/auth/whoami`, { headers: { accept: 'application/json', authorization: `Bearer ${tokens.access_token}` } });
  const answer = await readAnswer(who);
  if (!who.ok) {
    throw new CliError(
      `the portal does not accept the identity provider's token: ${errorMessage(who, answer.json)} (sign in to the portal once in a browser to link your account)`,
    );
  }
  const sso: SsoSession = {
    issuer: info.issuer,
    clientId: info.clientId,
    audience: info.audience,
    resource,
    refreshToken: tokens.refresh_token ?? null,
    expiresAt: Date.now() + (tokens.expires_in ?? 300) * 1000,
  };
  const file = await writeConfig(io.env, { url, token: tokens.access_token, sso });
  const email = (answer.json as { email?: unknown } | undefined)?.email;
  io.stdout.write(`Logged in to ${url} as ${typeof email === 'string' ? email : 'you'} through single sign-on; token stored in ${file}\n`);
  return 0;
}

/** The device authorization grant (RFC 8628): a code to confirm in any browser, then polling for the tokens. */
async function deviceSignIn(
  io: CliIo,
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  scope: string,
  resource: string | null,
  options: ReturnType<typeof transport>,
): Promise<oauth.TokenEndpointResponse> {
  const withResource: Record<string, string> = resource ? { resource } : {};
  let device: oauth.DeviceAuthorizationResponse;
  try {
    const response = await oauth.deviceAuthorizationRequest(as, client, oauth.None(), new URLSearchParams({ scope, ...withResource }), options);
    device = await oauth.processDeviceAuthorizationResponse(as, client, response);
  } catch (error) {
    throw refusal(error);
  }
  io.stderr.write(`To sign in, open ${device.verification_uri_complete ?? device.verification_uri}\nand confirm the code ${device.user_code}\n`);

  // RFC 8628 §3.5: ask again every `interval` seconds (5 unless told), 5 more after each slow_down.
  let interval = device.interval ?? 5;
  const deadline = Date.now() + device.expires_in * 1000;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, interval * 1000));
    if (Date.now() > deadline) throw new CliError('the code expired before it was confirmed; run `appstore login --sso` again');
    try {
      const response = await oauth.deviceCodeGrantRequest(as, client, oauth.None(), device.device_code, { ...options, additionalParameters: withResource });
      return await oauth.processDeviceCodeResponse(as, client, response);
    } catch (error) {
      if (error instanceof oauth.ResponseBodyError && error.error === 'authorization_pending') continue;
      if (error instanceof oauth.ResponseBodyError && error.error === 'slow_down') {
        interval += 5;
        continue;
      }
      throw refusal(error);
    }
  }
}

/**
 * The stored token, refreshed at the provider first when it has expired (or will within 30 s); the new
 * tokens are stored. Tokens from `appstore login` (no sso) are answered as they are.
 */
export async function freshSsoToken(stored: StoredConfig, env: Env): Promise<string> {
  const sso = stored.sso;
  if (!sso || sso.expiresAt - 30_000 > Date.now()) return stored.token;
  if (!sso.refreshToken) throw new CliError('the single sign-on token has expired; run `appstore login --sso` again');
  const { as, options } = await discover(sso.issuer);
  const client: oauth.Client = { client_id: sso.clientId };
  let tokens: oauth.TokenEndpointResponse;
  try {
    const response = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), sso.refreshToken, {
      ...options,
      ...(sso.resource ? { additionalParameters: { resource: sso.resource } } : {}),
    });
    tokens = await oauth.processRefreshTokenResponse(as, client, response);
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError && error.error === 'invalid_grant') {
      throw new CliError('the single sign-on session has ended at the identity provider; run `appstore login --sso` again');
    }
    throw refusal(error);
  }
  await writeConfig(env, {
    url: stored.url,
    token: tokens.access_token,
    sso: { ...sso, refreshToken: tokens.refresh_token ?? sso.refreshToken, expiresAt: Date.now() + (tokens.expires_in ?? 300) * 1000 },
  });
  return tokens.access_token;
}
