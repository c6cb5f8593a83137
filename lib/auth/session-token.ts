// The session cookie's codec, given to Auth.js as its `jwt` option: Auth.js's own token format (a JWE, `dir`, with the
// key derived by HKDF-SHA256 from the secret and the cookie name, and the key's JWK thumbprint as `kid`), so that
// Auth.js reads the tokens issued here and cookies issued before keep working. Auth.js derives the key and its
// thumbprint again on every decode and every encode, that is twice per page (issue 15: about 0.4 ms of CPU per
// request); here they are derived once per secret and cookie name. New tokens are encrypted with A256GCM, one of
// the two content encryptions Auth.js reads (its default, A256CBC-HS512, still read here): through WebCrypto a GCM
// token decrypts in one operation with a key imported once, a CBC-HS512 one in six, importing its keys each time
// (0.04 against 0.21–0.34 ms of CPU, on every request that carries a session).
import { hkdfSync, randomUUID } from 'node:crypto';
import { base64url, calculateJwkThumbprint, EncryptJWT, jwtDecrypt } from 'jose';
import type { JWT, JWTDecodeParams, JWTEncodeParams } from 'next-auth/jwt';

const ALG = 'dir';
/** What new tokens are encrypted with; both are read (Auth.js's decode accepts the same two). */
const ENC = 'A256GCM';
const READ_ENCRYPTIONS = ['A256CBC-HS512', 'A256GCM'];
/** Auth.js's default when no maxAge is passed (it passes the session's). */
const DEFAULT_MAX_AGE = 30 * 24 * 3600;
const KEY_LENGTH: Record<string, number> = { 'A256CBC-HS512': 64, A256GCM: 32 };

interface DerivedKey {
  key: Uint8Array;
  kid: string;
  /** For A256GCM: the key imported into WebCrypto once (jose would import a byte key on every decryption). */
  gcm: CryptoKey | null;
}
/** By encryption, secret and salt (the cookie name): a handful at most (a secret is rarely rotated). */
const derivedKeys = new Map<string, Promise<DerivedKey>>();
const MAX_KEYS = 16;

/** The encryption key Auth.js derives for `enc` (its getDerivedEncryptionKey), and its thumbprint. */
function derivedKey(enc: string, secret: string, salt: string): Promise<DerivedKey> {
  const length = KEY_LENGTH[enc];
  if (!length) throw new Error('Unsupported JWT Content Encryption Algorithm');
  const id = JSON.stringify([enc, secret, salt]);
  let derived = derivedKeys.get(id);
  if (!derived) {
    const key = new Uint8Array(hkdfSync('sha256', secret, salt, `Auth.js Generated Encryption Key (${salt})`, length));
    derived = Promise.all([
      calculateJwkThumbprint({ kty: 'oct', k: base64url.encode(key) }, `sha${key.byteLength << 3}` as 'sha256' | 'sha512'),
      enc === 'A256GCM' ? crypto.subtle.importKey('raw', key, 'AES-GCM', false, ['encrypt', 'decrypt']) : null,
    ]).then(([kid, gcm]) => ({ key, kid, gcm }));
    if (derivedKeys.size >= MAX_KEYS) derivedKeys.clear();
    derivedKeys.set(id, derived);
    derived.catch(() => derivedKeys.delete(id));
  }
  return derived;
}

const secretsOf = (secret: string | string[]) => (Array.isArray(secret) ? secret : [secret]);

/** A session token for `token`, expiring `maxAge` seconds from now (Auth.js's encode). */
export async function encodeSessionToken({ token = {}, secret, maxAge = DEFAULT_MAX_AGE, salt }: JWTEncodeParams): Promise<string> {
  const { gcm, kid } = await derivedKey(ENC, secretsOf(secret)[0], salt);
  return new EncryptJWT(token)
    .setProtectedHeader({ alg: ALG, enc: ENC, kid })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + maxAge)
    .setJti(randomUUID())
    .encrypt(gcm!);
}

/** The payload of a session token; throws for one that is forged, altered, expired or made with another key (Auth.js's decode). */
export async function decodeSessionToken({ token, secret, salt }: JWTDecodeParams): Promise<JWT | null> {
  if (!token) return null;
  const { payload } = await jwtDecrypt(
    token,
    async ({ kid, enc }) => {
      for (const s of secretsOf(secret)) {
        const derived = await derivedKey(enc, s, salt);
        if (kid === undefined || kid === derived.kid) return derived.gcm ?? derived.key;
      }
      throw new Error('no matching decryption secret');
    },
    { clockTolerance: 15, keyManagementAlgorithms: [ALG], contentEncryptionAlgorithms: READ_ENCRYPTIONS },
  );
  return payload;
}
