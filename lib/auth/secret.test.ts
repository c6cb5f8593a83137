import { afterEach, describe, expect, it } from 'vitest';
import { useTempDataDir } from '@/lib/testing/db';
import { authSecret } from './secret';

useTempDataDir();
afterEach(() => {
  delete process.env.AUTH_SECRET;
});

describe('authSecret', () => {
  it('refuses an AUTH_SECRET shorter than 32 bytes, saying how to make one', () => {
    process.env.AUTH_SECRET = 'abc';
    expect(() => authSecret()).toThrow(/AUTH_SECRET is 3 bytes long; it must be at least 32.*openssl rand -base64 32/);
    process.env.AUTH_SECRET = 'x'.repeat(31);
    expect(() => authSecret()).toThrow(/31 bytes/);
  });

  it('takes an AUTH_SECRET of 32 bytes or more, and generates one of that size when unset', () => {
    process.env.AUTH_SECRET = 'y'.repeat(32);
    expect(authSecret()).toBe('y'.repeat(32));
    delete process.env.AUTH_SECRET;
    expect(Buffer.byteLength(authSecret())).toBeGreaterThanOrEqual(32);
  });
});
