// Encryption at rest of secret values: AES-256-GCM with a key from SECRETS_KEY or, when unset,
// a key generated once into DATA_DIR (mode 0600). A copy of the database without the key reveals nothing.
import 'server-only';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { config, dataDir } from '@/lib/config';

export const KEY_FILE_NAME = 'secrets.key';
const KEY_BYTES = 32;
const IV_BYTES = 12;

export interface Sealed {
  iv: Buffer;
  ciphertext: Buffer;
  authTag: Buffer;
}

/** SECRETS_KEY as 32 bytes: 64 hex digits or base64 (as `openssl rand -base64 32` prints). */
export function parseKey(raw: string, source: string): Buffer {
  const text = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== KEY_BYTES || (!/^[0-9a-fA-F]{64}$/.test(text) && !/^[A-Za-z0-9+/_-]+={0,2}$/.test(text))) {
    throw new Error(
      `${source} must hold a 32-byte key as 64 hex digits or base64 (generate one with \`openssl rand -base64 32\`).`,
    );
  }
  return key;
}

/**
 * The key file under DATA_DIR: created with mode 0600 on first use, then reused. The key is written to a
 * temporary file first and linked into place (link fails if the name exists), so a process starting at the
 * same moment sees either no key file or a complete one, never an empty one, and every process agrees.
 */
function keyFromFile(dir: string): Buffer {
  const file = path.join(dir, KEY_FILE_NAME);
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(file)) {
    const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      fs.writeFileSync(tmp, randomBytes(KEY_BYTES).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
      // The umask may only remove bits; make sure nothing else was left on either.
      fs.chmodSync(tmp, 0o600);
      fs.linkSync(tmp, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  return parseKey(fs.readFileSync(file, 'utf8'), file);
}

const cache: { source?: string; key?: Buffer } = {};

/** The encryption key in use; read once per source (the environment variable or the data directory). */
export function secretsKey(): Buffer {
  const fromEnv = config().secretsKey;
  const source = fromEnv ? `env:${fromEnv}` : `dir:${dataDir()}`;
  if (cache.source !== source || !cache.key) {
    cache.key = fromEnv ? parseKey(fromEnv, 'SECRETS_KEY') : keyFromFile(dataDir());
    cache.source = source;
  }
  return cache.key;
}

/** Binds a ciphertext to its row, so values moved to another secret or key no longer decrypt. */
const aad = (secretId: string, key: string) => Buffer.from(`${secretId}\u0000${key}`, 'utf8');

export function seal(secretId: string, key: string, value: string): Sealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', secretsKey(), iv);
  cipher.setAAD(aad(secretId, key));
  const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return { iv, ciphertext, authTag: cipher.getAuthTag() };
}

/** Only for handing a value to a running app; nothing that renders or answers a request calls this. */
export function unseal(secretId: string, key: string, sealed: Sealed): string {
  const decipher = createDecipheriv('aes-256-gcm', secretsKey(), sealed.iv);
  decipher.setAAD(aad(secretId, key));
  decipher.setAuthTag(sealed.authTag);
  return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
}
