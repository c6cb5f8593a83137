import { exportJWK, generateKeyPair, SignJWT, createLocalJWKSet, type JWTPayload } from 'jose';
import { describe, expect, it } from 'vitest';
import { verifyProviderAccessToken } from './provider-tokens';

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
