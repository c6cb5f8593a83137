import { describe, expect, it } from 'vitest';
import { errorResponse } from './errors';

const sqliteError = (code: string) => Object.assign(new Error(code), { code });

describe('errorResponse', () => {
  it('answers a busy database with 503 and Retry-After, saying nothing changed', async () => {
    for (const code of ['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED']) {
      const res = errorResponse(sqliteError(code));
      expect(res.status, code).toBe(503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await res.json()).error).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('nothing was changed') });
    }
  });

  it('answers a full disk with 507 and a clear message, not a generic 500', async () => {
    for (const code of ['SQLITE_FULL', 'ENOSPC']) {
      const res = errorResponse(sqliteError(code));
      expect(res.status, code).toBe(507);
      expect((await res.json()).error.message).toMatch(/out of disk space/);
    }
  });

  it('still hides unexpected errors behind a 500', async () => {
    const res = errorResponse(new Error('SELECT secret FROM x'));
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('SELECT');
  });
});
