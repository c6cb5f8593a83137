// A real OpenID Connect provider for the tests (`oidc-provider`, a certified implementation), on loopback:
// the portal's confidential client (authorization code + PKCE, refresh tokens, RP-initiated logout), the CLI's
// public client (device authorization grant, or authorization code + PKCE to a loopback redirect; JWT access
// tokens for the portal's API resource, with the roles in them as Keycloak does) and the apps' client. Accounts
// and failures (down, expired codes, a rotated secret, id_tokens signed with a key not in its JWKS, no device
// grant) are driven by the tests through a small control server on another port.
// Run as a process: `tsx lib/testing/oidc-provider.ts` with OIDC_TEST_PORT, OIDC_TEST_CONTROL_PORT, PORTAL_URL.
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import Provider, { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import { TEST_OIDC } from './oidc-clients';

export interface TestAccount {
  id: string;
  email: string;
  emailVerified: boolean;
  name: string;
  roles: string[];
}

/** Every model in one map; enough for a test provider (oidc-provider checks expiry itself). */
function memoryAdapterFactory(store: Map<string, AdapterPayload>) {
  return class MemoryAdapter implements Adapter {
    constructor(private readonly name: string) {}
    private key(id: string) {
      return `${this.name}:${id}`;
    }
    async upsert(id: string, payload: AdapterPayload) {
      store.set(this.key(id), payload);
    }
    async find(id: string) {
      return store.get(this.key(id));
    }
    async findByUserCode(userCode: string) {
      return [...store.entries()].find(([k, p]) => k.startsWith(`${this.name}:`) && p.userCode === userCode)?.[1];
    }
    async findByUid(uid: string) {
      return [...store.entries()].find(([k, p]) => k.startsWith(`${this.name}:`) && p.uid === uid)?.[1];
    }
    async consume(id: string) {
      const payload = store.get(this.key(id));
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      store.delete(this.key(id));
    }
    async revokeByGrantId(grantId: string) {
      for (const [k, p] of store) if (p.grantId === grantId) store.delete(k);
    }
  };
}

export interface TestProvider {
  issuer: string;
  accounts: Map<string, TestAccount>;
  /** Stops answering (connections refused) or starts again on the same port. */
  setDown(down: boolean): Promise<void>;
  /** Makes every authorization code issued so far expired. */
  expireCodes(): void;
  /** Sets the portal client's secret at the provider (as an operator rotating it there would). */
  setPortalSecret(secret: string): void;
  /** Ends every provider session and grant of the account (as an administrator would at the provider). */
  endSessionsOf(accountId: string): void;
  /** From now on, id_tokens from the token endpoint are signed with a key its JWKS does not publish (same key id). */
  setForgeIdTokens(forge: boolean): void;
  /** Whether discovery advertises the device authorization endpoint (the CLI falls back to a loopback redirect). */
  setDeviceFlow(offered: boolean): void;
  /** Signs any claims with the provider's own key (as an access token): for tests of the checks beyond the signature. */
  sign(claims: JWTPayload): Promise<string>;
  close(): Promise<void>;
}

export async function startTestProvider(options: { port: number; portalUrls: string[] }): Promise<TestProvider> {
  const issuer = `http://127.0.0.1:${options.port}`;
  const accounts = new Map<string, TestAccount>();
  const store = new Map<string, AdapterPayload>();
  // The portal's client lives in the store (not the static list) so a test can rotate its secret at the provider.
  const portalClient = {
    client_id: TEST_OIDC.portalClientId,
    client_secret: TEST_OIDC.portalClientSecret,
    redirect_uris: options.portalUrls.map((u) => `${u}/api/auth/callback/oidc`),
    post_logout_redirect_uris: options.portalUrls.map((u) => `${u}/login`),
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code' as const],
  };
  store.set(`Client:${TEST_OIDC.portalClientId}`, { ...portalClient });
  // The provider's signing key (published in its JWKS), and a foreign one under the same key id.
  const KID = 'test-provider-key-1';
  const own = await generateKeyPair('RS256', { extractable: true });
  const foreign = await generateKeyPair('RS256');
  let forgeIdTokens = false;
  let deviceFlowOffered = true;
  const provider = new Provider(issuer, {
    adapter: memoryAdapterFactory(store),
    jwks: { keys: [{ ...(await exportJWK(own.privateKey)), kid: KID, alg: 'RS256', use: 'sig' }] },
    clients: [
      {
        // A native public client: the device grant, or the code flow to http://127.0.0.1:<any port>/callback.
        client_id: TEST_OIDC.cliClientId,
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: ['http://127.0.0.1/callback'],
      },
      {
        client_id: TEST_OIDC.appClientId,
        client_secret: TEST_OIDC.appClientSecret,
        redirect_uris: options.portalUrls.map((u) => `${u}/_auth/callback`),
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    cookies: { keys: ['test-provider-cookie-key-0123456789'] },
    // Roles travel like Keycloak's realm roles (`realm_access.roles`) in the `roles` scope.
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      roles: ['realm_access'],
    },
    scopes: ['openid', 'offline_access', 'email', 'profile', 'roles'],
    // The id_token carries the scopes' claims (the portal reads them from the verified id_token).
    conformIdTokenClaims: false,
    async findAccount(_ctx, id) {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        async claims() {
          return {
            sub: id,
            email: account.email,
            email_verified: account.emailVerified,
            name: account.name,
            realm_access: { roles: account.roles },
          };
        },
      };
    },
    // Like Keycloak: the access tokens for the portal's API carry the roles (`realm_access.roles`).
    async extraTokenClaims(_ctx, token) {
      const account = 'accountId' in token && token.accountId ? accounts.get(token.accountId) : undefined;
      return account && token.aud === TEST_OIDC.apiAudience ? { realm_access: { roles: account.roles } } : undefined;
    },
    // Like Keycloak: a refresh token with every code grant (it ends with the provider session).
    async issueRefreshToken(_ctx, client) {
      return client.grantTypeAllowed('refresh_token');
    },
    features: {
      devInteractions: { enabled: true },
      deviceFlow: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx, client) => (client.clientId === TEST_OIDC.cliClientId ? TEST_OIDC.apiAudience : undefined),
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== TEST_OIDC.apiAudience) throw new errors.InvalidTarget();
          return { scope: 'openid email profile offline_access', audience: TEST_OIDC.apiAudience, accessTokenFormat: 'jwt', accessTokenTTL: 600 };
        },
      },
    },
    pkce: { required: () => true },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, RefreshToken: 24 * 3600, DeviceCode: 600, Interaction: 600, Session: 24 * 3600, Grant: 24 * 3600 },
  });
  // Keep the console quiet about the deliberate failures the tests cause.
  provider.on('server_error', (_ctx, error) => console.error('provider server_error', error.message));
  // Why a grant was refused (a description, never the request's values), for reading test failures.
  provider.on('grant.error', (_ctx, error) => console.error(`provider grant.error: ${error.message} ${(error as { error_detail?: string }).error_detail ?? ''}`));

  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body as Record<string, unknown> | undefined;
    if (ctx.path === '/.well-known/openid-configuration' && body && !deviceFlowOffered) delete body.device_authorization_endpoint;
    if (ctx.path === '/token' && forgeIdTokens && body && typeof body.id_token === 'string') {
      ctx.body = { ...body, id_token: await new SignJWT(decodeJwt(body.id_token)).setProtectedHeader(decodeProtectedHeader(body.id_token) as { alg: string }).sign(foreign.privateKey) };
    }
  });

  const callback = provider.callback();
  let server: http.Server | null = null;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = http.createServer(callback);
      server.listen(options.port, '127.0.0.1', () => resolve());
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server) return resolve();
      const s = server;
      server = null;
      s.close(() => resolve());
      s.closeAllConnections();
    });
  await listen();

  return {
    issuer,
    accounts,
    async setDown(down) {
      if (down) await stop();
      else if (!server) await listen();
    },
    expireCodes() {
      for (const [key, payload] of store) if (key.startsWith('AuthorizationCode:')) payload.exp = Math.floor(Date.now() / 1000) - 1;
    },
    setPortalSecret(secret) {
      store.set(`Client:${TEST_OIDC.portalClientId}`, { ...portalClient, client_secret: secret });
    },
    endSessionsOf(accountId) {
      for (const [key, payload] of store) if (payload.accountId === accountId) store.delete(key);
    },
    setForgeIdTokens(forge) {
      forgeIdTokens = forge;
    },
    setDeviceFlow(offered) {
      deviceFlowOffered = offered;
    },
    sign(claims) {
      return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: KID, typ: 'at+jwt' }).sign(own.privateKey);
    },
    close: stop,
  };
}

/** The control server the e2e tests drive: accounts, provider down/up, expiring codes. */
function controlServer(provider: TestProvider): http.Server {
  return http.createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const data = body ? JSON.parse(body) : {};
    const reply = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    };
    if (req.method === 'PUT' && req.url === '/accounts') {
      provider.accounts.set(data.id, data as TestAccount);
      return reply(200, data);
    }
    if (req.method === 'POST' && req.url === '/down') return reply(200, await provider.setDown(true));
    if (req.method === 'POST' && req.url === '/up') return reply(200, await provider.setDown(false));
    if (req.method === 'POST' && req.url === '/expire-codes') return reply(200, provider.expireCodes());
    if (req.method === 'POST' && req.url === '/portal-secret') return reply(200, provider.setPortalSecret(data.secret));
    if (req.method === 'POST' && req.url === '/end-sessions') return reply(200, provider.endSessionsOf(data.id));
    if (req.method === 'POST' && req.url === '/forge-id-tokens') return reply(200, provider.setForgeIdTokens(data.forge === true));
    if (req.method === 'POST' && req.url === '/device-flow') return reply(200, provider.setDeviceFlow(data.offered !== false));
    if (req.method === 'POST' && req.url === '/sign') return reply(200, { token: await provider.sign(data.claims) });
    if (req.method === 'GET' && req.url === '/health') return reply(200, { ok: true });
    reply(404, { error: 'unknown control call' });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.OIDC_TEST_PORT);
  const controlPort = Number(process.env.OIDC_TEST_CONTROL_PORT);
  const portalUrls = (process.env.PORTAL_URLS ?? '').split(',').filter(Boolean);
  const provider = await startTestProvider({ port, portalUrls });
  controlServer(provider).listen(controlPort, '127.0.0.1', () => {
    console.log(`test OpenID provider at ${provider.issuer}, control on ${controlPort}`);
  });
}
