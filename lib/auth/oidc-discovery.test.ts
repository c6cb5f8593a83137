import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { describe, expect, it } from 'vitest';
import { verifyIdToken } from './oidc-discovery';

const issuer = 'https://id.example.test/realms/main';

async function setUp() {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const other = await generateKeyPair('RS256');
  const keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' }] });
  // Another key under the same key id: only the signature tells the tokens apart.
  const sign = (claims: JWTPayload, key: CryptoKey = privateKey) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(key);
  const now = Math.floor(Date.now() / 1000);
  const genuine = { iss: issuer, aud: 'portal', sub: 'user-1', nonce: 'n', iat: now, exp: now + 300 };
  return { keys, sign, genuine, otherKey: other.privateKey, now };
}

describe('verifyIdToken', () => {
  it('accepts the genuine id_token: signed by the provider, for the portal client, from the issuer, not expired', async () => {
    const { keys, sign, genuine } = await setUp();
    expect(await verifyIdToken(await sign(genuine), { issuer, clientId: 'portal', keys })).toMatchObject({ sub: 'user-1', aud: 'portal' });
  });

  it('refuses a token signed by another key, for another audience, from another issuer, or expired', async () => {
    const { keys, sign, genuine, otherKey, now } = await setUp();
    const refused = async (claims: JWTPayload, key?: CryptoKey) => expect(await verifyIdToken(await sign(claims, key), { issuer, clientId: 'portal', keys })).toBeNull();
    await refused(genuine, otherKey);
    await refused({ ...genuine, aud: 'another-client' });
    await refused({ ...genuine, iss: 'https://evil.example.test/realms/main' });
    await refused({ ...genuine, iat: now - 900, exp: now - 600 });
    // Unsigned (alg none) and shared-secret tokens are not the provider's either.
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(genuine)).toString('base64url')}.`;
    expect(await verifyIdToken(unsigned, { issuer, clientId: 'portal', keys })).toBeNull();
    const mac = await new SignJWT(genuine).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).sign(new TextEncoder().encode('x'.repeat(32)));
    expect(await verifyIdToken(mac, { issuer, clientId: 'portal', keys })).toBeNull();
  });

  it("throws, rather than calling the token invalid, when the provider's keys cannot be fetched", async () => {
    const { sign, genuine } = await setUp();
    const unreachable = async () => {
      throw new TypeError('fetch failed');
    };
    await expect(verifyIdToken(await sign(genuine), { issuer, clientId: 'portal', keys: unreachable })).rejects.toThrow('fetch failed');
  });
});
