// userForProviderToken end to end against a provider shaped like Okta (discovery and JWKS served on loopback):
// the client in `cid`, the login in `sub` and the user id in `uid` (OIDC_CLI_SUBJECT_CLAIM=uid).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertUser, useTempDataDir } from '@/lib/testing/db';
import { setEnv } from '@/lib/testing/env';
import { userForProviderToken } from './provider-tokens';

useTempDataDir();

let server: http.Server;
let issuer = '';
let sign: (claims: JWTPayload) => Promise<string>;

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'okta-1', alg: 'RS256', use: 'sig' };
  server = http.createServer((req, res) => {
    const body =
      req.url === '/.well-known/openid-configuration'
        ? { issuer, jwks_uri: `${issuer}/jwks`, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token` }
        : req.url === '/jwks'
          ? { keys: [jwk] }
          : null;
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sign = (claims) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'okta-1' }).setIssuedAt().setExpirationTime('5m').sign(privateKey);
  setEnv({
    OIDC_ISSUER: issuer,
    OIDC_CLIENT_ID: 'portal',
    OIDC_CLIENT_SECRET: 'portal-secret',
    OIDC_CLI_CLIENT_ID: 'cli-app',
    OIDC_API_AUDIENCE: 'api://default',
    OIDC_CLI_SUBJECT_CLAIM: 'uid',
    OIDC_ROLES_CLAIM: 'groups',
    OIDC_ADMIN_ROLE: 'portal-admins',
  });
});

afterAll(() => {
  server.close();
  setEnv(Object.fromEntries(['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_CLI_CLIENT_ID', 'OIDC_API_AUDIENCE', 'OIDC_CLI_SUBJECT_CLAIM', 'OIDC_ROLES_CLAIM', 'OIDC_ADMIN_ROLE'].map((k) => [k, undefined])));
});

describe('provider access tokens shaped like Okta', () => {
  it('finds the user by `uid` (linked from the id_token `sub`), accepts the client in `cid`, and takes the roles in `groups`', async () => {
    const user = insertUser({ oidcSubject: `${issuer}|00u1abcd`, roles: ['stale'] });
    const okta = { iss: issuer, aud: 'api://default', cid: 'cli-app', sub: 'ada@example.test', uid: '00u1abcd' };
    expect(await userForProviderToken(await sign(okta))).toMatchObject({ id: user.id, roles: ['stale'], isAdmin: false });
    expect(await userForProviderToken(await sign({ ...okta, groups: ['portal-admins'] }))).toMatchObject({ id: user.id, roles: ['portal-admins'], isAdmin: true });
    // `sub` (the login) names nobody; another client in `cid` is refused.
    expect(await userForProviderToken(await sign({ ...okta, uid: undefined }))).toBeNull();
    expect(await userForProviderToken(await sign({ ...okta, cid: 'someone-else' }))).toBeNull();
  });
});
