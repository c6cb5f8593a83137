import { decode as authjsDecode, encode as authjsEncode } from '@auth/core/jwt';
import { EncryptJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { decodeSessionToken, encodeSessionToken } from './session-token';

const secret = 'session-token-test-secret-0123456789';
const salt = 'authjs.session-token';
const claims = { sub: 'user-1', sv: 3, idp: undefined };

describe('the session cookie codec', () => {
  it("reads Auth.js's own tokens, and Auth.js reads its tokens (cookies issued before keep working)", async () => {
    const fromAuthjs = await authjsEncode({ token: claims, secret, salt, maxAge: 3600 });
    expect(await decodeSessionToken({ token: fromAuthjs, secret, salt })).toMatchObject({ sub: 'user-1', sv: 3 });
    const ours = await encodeSessionToken({ token: claims, secret, salt, maxAge: 3600 });
    const read = await authjsDecode({ token: ours, secret, salt });
    expect(read).toMatchObject({ sub: 'user-1', sv: 3 });
    expect(read!.exp! - read!.iat!).toBe(3600);
    expect(typeof read!.jti).toBe('string');
    // Each token is new (its own jti and IV), whatever was derived once.
    expect(await encodeSessionToken({ token: claims, secret, salt })).not.toBe(await encodeSessionToken({ token: claims, secret, salt }));
  });

  it('encrypts new tokens with A256GCM, which Auth.js reads, and still reads its A256CBC-HS512 ones', async () => {
    const ours = await encodeSessionToken({ token: claims, secret, salt });
    const header = JSON.parse(Buffer.from(ours.split('.')[0], 'base64url').toString());
    expect(header).toMatchObject({ alg: 'dir', enc: 'A256GCM' });
    expect(await authjsDecode({ token: ours, secret, salt })).toMatchObject({ sub: 'user-1', sv: 3 });
    const cbc = await authjsEncode({ token: claims, secret, salt });
    expect(JSON.parse(Buffer.from(cbc.split('.')[0], 'base64url').toString())).toMatchObject({ enc: 'A256CBC-HS512' });
    expect(await decodeSessionToken({ token: cbc, secret, salt })).toMatchObject({ sub: 'user-1', sv: 3 });
    // A GCM token with the right key id but made with another key is refused.
    const forged = await new EncryptJWT(claims).setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: header.kid }).setExpirationTime('1h').encrypt(new Uint8Array(32));
    await expect(decodeSessionToken({ token: forged, secret, salt })).rejects.toThrow();
  });

  it('refuses a token made with another secret or for another cookie name', async () => {
    const ours = await encodeSessionToken({ token: claims, secret, salt });
    await expect(decodeSessionToken({ token: ours, secret: 'another-secret-0123456789abcdef', salt })).rejects.toThrow();
    await expect(decodeSessionToken({ token: ours, secret, salt: '__Host-authjs.session-token' })).rejects.toThrow();
    const otherKey = await authjsEncode({ token: claims, secret: 'another-secret-0123456789abcdef', salt });
    await expect(decodeSessionToken({ token: otherKey, secret, salt })).rejects.toThrow();
  });

  it('refuses an expired or altered token', async () => {
    const expired = await encodeSessionToken({ token: claims, secret, salt, maxAge: -60 });
    await expect(decodeSessionToken({ token: expired, secret, salt })).rejects.toThrow();
    const token = await encodeSessionToken({ token: claims, secret, salt });
    const parts = token.split('.');
    const flipped = parts[3][0] === 'A' ? 'B' + parts[3].slice(1) : 'A' + parts[3].slice(1);
    await expect(decodeSessionToken({ token: [...parts.slice(0, 3), flipped, parts[4]].join('.'), secret, salt })).rejects.toThrow();
    expect(await decodeSessionToken({ token: '', secret, salt })).toBeNull();
  });

  it('refuses a token whose key id is not the key it is read with', async () => {
    const right = await encodeSessionToken({ token: claims, secret, salt });
    const key = new Uint8Array(64); // not the derived key
    const header = JSON.parse(Buffer.from(right.split('.')[0], 'base64url').toString());
    const forged = await new EncryptJWT(claims).setProtectedHeader({ alg: 'dir', enc: 'A256CBC-HS512', kid: header.kid }).setExpirationTime('1h').encrypt(key);
    await expect(decodeSessionToken({ token: forged, secret, salt })).rejects.toThrow();
    const wrongKid = await new EncryptJWT(claims).setProtectedHeader({ alg: 'dir', enc: 'A256CBC-HS512', kid: 'not-the-thumbprint' }).setExpirationTime('1h').encrypt(key);
    await expect(decodeSessionToken({ token: wrongKid, secret, salt })).rejects.toThrow(/no matching decryption secret/);
  });
});
