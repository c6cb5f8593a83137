import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { runScript } from '@/lib/testing/child';
import { useTempDataDir } from '@/lib/testing/db';
import { KEY_FILE_NAME, parseKey, seal, secretsKey, unseal } from './crypto';
import { setEnv } from '@/lib/testing/env';

const data = useTempDataDir();

describe('secrets key', () => {
  afterEach(() => {
    setEnv({ SECRETS_KEY: undefined });
  });

  it('is generated once into DATA_DIR with mode 0600, then reused', () => {
    const file = path.join(data.dir(), KEY_FILE_NAME);
    const first = secretsKey();
    expect(first).toHaveLength(32);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const onDisk = fs.readFileSync(file, 'utf8');
    expect(Buffer.from(onDisk.trim(), 'base64').equals(first)).toBe(true);
    expect(secretsKey().equals(first)).toBe(true);
    const sealed = seal('s1', 'k', 'value');
    expect(fs.readFileSync(file, 'utf8')).toBe(onDisk);
    expect(unseal('s1', 'k', sealed)).toBe('value');
  });

  it('is the same key in processes that start at once on an empty DATA_DIR', async () => {
    // Each process races to create the key file; none may read a half-written one or keep its own key.
    // Every child stops right after finding no key file; they are then released one at a time, so each
    // later one creates its own key with the first one's already in place (a last-writer-wins rename
    // would replace it, and the first child would keep a key no longer on disk).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'appstore-key-race-'));
    try {
      const children = Array.from({ length: 4 }, () => runScript('secrets-key-child.ts', ['wait'], { DATA_DIR: dir, SECRETS_KEY: '' }));
      const checked = await Promise.all(children.map((c) => c.line((l) => l.startsWith('checked '))));
      expect(checked).toEqual(children.map(() => 'checked false'));
      for (const child of children) {
        child.send('go\n');
        await child.line((l) => l.startsWith('key '));
      }
      const exits = await Promise.all(children.map((c) => c.exited));
      expect(exits.map((e) => e.code)).toEqual(children.map(() => 0));
      const keys = children.map((c) => /key ([0-9a-f]{64})/.exec(c.output())?.[1]);
      const onDisk = Buffer.from(fs.readFileSync(path.join(dir, KEY_FILE_NAME), 'utf8').trim(), 'base64').toString('hex');
      expect(keys).toEqual(children.map(() => onDisk));
      expect(fs.readdirSync(dir)).toEqual([KEY_FILE_NAME]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('comes from SECRETS_KEY when set (hex or base64) and refuses anything else', () => {
    const hex = 'ab'.repeat(32);
    setEnv({ SECRETS_KEY: hex });
    expect(secretsKey().toString('hex')).toBe(hex);
    setEnv({ SECRETS_KEY: Buffer.alloc(32, 7).toString('base64') });
    expect(secretsKey().equals(Buffer.alloc(32, 7))).toBe(true);
    expect(() => parseKey('correct horse battery staple', 'SECRETS_KEY')).toThrow(/32-byte key/);
    expect(() => parseKey(Buffer.alloc(16).toString('base64'), 'SECRETS_KEY')).toThrow(/32-byte key/);
  });

  it('seals with AES-256-GCM bound to its secret and key, and fails under another key', () => {
    const sealed = seal('secret-a', 'password', 'hunter2');
    expect(sealed.iv).toHaveLength(12);
    expect(sealed.authTag).toHaveLength(16);
    expect(sealed.ciphertext.includes(Buffer.from('hunter2'))).toBe(false);
    expect(unseal('secret-a', 'password', sealed)).toBe('hunter2');
    expect(() => unseal('secret-b', 'password', sealed)).toThrow();
    expect(() => unseal('secret-a', 'user', sealed)).toThrow();
    setEnv({ SECRETS_KEY: 'cd'.repeat(32) });
    expect(() => unseal('secret-a', 'password', sealed)).toThrow();
  });
});
