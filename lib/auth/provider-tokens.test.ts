import { exportJWK, generateKeyPair, SignJWT, createLocalJWKSet, type JWTPayload } from 'jose';
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { users, type User } from '@/db/schema';
import { insertUser, useTempDataDir } from '@/lib/testing/db';
import { callerOfToken, verifyProviderAccessToken } from './provider-tokens';
import { signOutEverywhere } from './revocation';
import { toViewer } from './viewer-store';

useTempDataDir();

const issuer = 'https://id.example.test/realms/main';
const expected = { issuer, audience: 'appstore-api', clientId: 'appstore-cli' };

async function setUp() {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const other = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
  const keys = createLocalJWKSet({ keys: [jwk] });
  const sign = (claims: JWTPayload, key = privateKey) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' }).setIssuedAt().sign(key);
  const good = { iss: issuer, aud: 'appstore-api', sub: 'user-1', client_id: 'appstore-cli', exp: Math.floor(Date.now() / 1000) + 600 };
  return { keys, sign, good, otherKey: other.privateKey };
}

describe('verifyProviderAccessToken', () => {
  it('accepts a token signed by the provider for the API audience and the CLI client', async () => {
    const { keys, sign, good } = await setUp();
    expect(await verifyProviderAccessToken(await sign(good), { ...expected, keys })).toMatchObject({ sub: 'user-1' });
    // Keycloak names the client in `azp`.
    const { client_id: _, ...keycloak } = good;
    expect(await verifyProviderAccessToken(await sign({ ...keycloak, azp: 'appstore-cli' }), { ...expected, keys })).toMatchObject({ sub: 'user-1' });
    // Okta names it in `cid`, Azure AD v1 in `appid`.
    expect(await verifyProviderAccessToken(await sign({ ...keycloak, cid: 'appstore-cli' }), { ...expected, keys })).toMatchObject({ sub: 'user-1' });
    expect(await verifyProviderAccessToken(await sign({ ...keycloak, appid: 'appstore-cli' }), { ...expected, keys })).toMatchObject({ sub: 'user-1' });
    expect(await verifyProviderAccessToken(await sign({ ...keycloak, cid: 'someone-else' }), { ...expected, keys })).toBeNull();
  });

  it('refuses another audience, client, issuer, an expired token and a foreign signature', async () => {
    const { keys, sign, good, otherKey } = await setUp();
    const refused = async (claims: JWTPayload, key?: CryptoKey) => expect(await verifyProviderAccessToken(await sign(claims, key), { ...expected, keys })).toBeNull();
    await refused({ ...good, aud: 'someone-else' });
    await refused({ ...good, client_id: 'appstore-portal' });
    await refused({ ...good, iss: 'https://evil.example.test' });
    await refused({ ...good, exp: Math.floor(Date.now() / 1000) - 60 });
    await refused(good, otherKey);
    expect(await verifyProviderAccessToken('not.a.jwt', { ...expected, keys })).toBeNull();
  });
});

describe('callerOfToken', () => {
  const user = { id: 'u1', email: 'ada@example.test', name: 'Ada', roles: ['full-access'], isAdmin: false, tokensRevokedAt: null } as unknown as User;
  const settings = { rolesClaim: 'realm_access.roles', adminRole: 'portal-admin' };
  const now = Math.floor(Date.now() / 1000);

  it('refuses a token issued before (or in the same second as) the user\'s tokens were revoked, and accepts a later one', () => {
    const revoked = { ...user, tokensRevokedAt: new Date(now * 1000 + 500) };
    expect(callerOfToken({ sub: 'x', iat: now - 60 }, revoked, settings)).toBeNull();
    expect(callerOfToken({ sub: 'x', iat: now }, revoked, settings)).toBeNull();
    expect(callerOfToken({ sub: 'x', iat: now + 1 }, revoked, settings)).toMatchObject({ id: 'u1' });
    expect(callerOfToken({ sub: 'x', iat: now - 60 }, user, settings)).toMatchObject({ id: 'u1' });
    expect(callerOfToken({ sub: 'x' }, user, settings)).toBeNull();
    expect(callerOfToken({ sub: 'x', iat: now }, null, settings)).toBeNull();
  });

  it('takes the roles the token states (an empty list too), and keeps the stored ones when it states none', () => {
    expect(callerOfToken({ iat: now, realm_access: { roles: [] } }, user, settings)).toMatchObject({ roles: [], isAdmin: false });
    expect(callerOfToken({ iat: now, realm_access: { roles: ['portal-admin'] } }, user, settings)).toMatchObject({ roles: ['portal-admin'], isAdmin: true });
    expect(callerOfToken({ iat: now }, user, settings)).toMatchObject({ roles: ['full-access'], isAdmin: false });
  });
});

describe('"Sign out everywhere" and provider access tokens', () => {
  it('refuses the provider tokens issued before it (appstore login --sso), and accepts those issued after', () => {
    const settings = { rolesClaim: 'realm_access.roles', adminRole: 'portal-admin' };
    const user = insertUser({ oidcSubject: 'https://id.example.test|ada' });
    const before = Math.floor(Date.now() / 1000) - 5;
    expect(callerOfToken({ sub: 'ada', iat: before }, user, settings)).toMatchObject({ id: user.id });
    signOutEverywhere(toViewer(user));
    const reloaded = getDb().select().from(users).where(eq(users.id, user.id)).get()!;
    expect(reloaded.tokensRevokedAt).toBeInstanceOf(Date);
    expect(callerOfToken({ sub: 'ada', iat: before }, reloaded, settings)).toBeNull();
    expect(callerOfToken({ sub: 'ada', iat: Math.ceil(Date.now() / 1000) + 1 }, reloaded, settings)).toMatchObject({ id: user.id });
  });
});
