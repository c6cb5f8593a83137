import { afterEach, describe, expect, it } from 'vitest';
import { useTempDataDir } from '@/lib/testing/db';
import { authSecret } from './secret';
import { setEnv } from '@/lib/testing/env';

useTempDataDir();
afterEach(() => {
  setEnv({ AUTH_SECRET: undefined });
});

describe('authSecret', () => {
  it('refuses an AUTH_SECRET shorter than 32 bytes, saying how to make one', () => {
    // Refused when the configuration is read (at start-up), and never echoed.
    expect(() => setEnv({ AUTH_SECRET: 'abc' })).toThrow(/AUTH_SECRET is 3 bytes long; it must be at least 32.*openssl rand -base64 32/);
    expect(() => setEnv({ AUTH_SECRET: 'x'.repeat(31) })).toThrow(/31 bytes/);
    expect(() => setEnv({ AUTH_SECRET: 'x'.repeat(31) })).not.toThrow(/xxxxxxxx/);
  });

  it('takes an AUTH_SECRET of 32 bytes or more, and generates one of that size when unset', () => {
    setEnv({ AUTH_SECRET: 'y'.repeat(32) });
    expect(authSecret()).toBe('y'.repeat(32));
    setEnv({ AUTH_SECRET: undefined });
    expect(Buffer.byteLength(authSecret())).toBeGreaterThanOrEqual(32);
  });
});
