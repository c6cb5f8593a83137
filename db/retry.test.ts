import { describe, expect, it } from 'vitest';
import { retryWhileBusy } from './retry';

const busy = () => Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });

describe('retryWhileBusy', () => {
  it('tries again with growing delays while the database is busy, then answers', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await retryWhileBusy(
      () => {
        if (++calls < 4) throw busy();
        return 'done';
      },
      { boundMs: 10_000, wait: async (ms) => void waits.push(ms) },
    );
    expect(result).toBe('done');
    expect(waits).toEqual([25, 50, 100]);
  });

  it('gives up with the busy error once the bound has passed', async () => {
    let calls = 0;
    const started = Date.now();
    await expect(
      retryWhileBusy(() => {
        calls++;
        throw busy();
      }, { boundMs: 150 }),
    ).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(calls).toBeGreaterThan(2);
  });

  it('stops when the caller says the attempt cannot run again', async () => {
    let calls = 0;
    await expect(
      retryWhileBusy(
        () => {
          calls++;
          throw busy();
        },
        { boundMs: 1000, canRetry: () => calls < 2 },
      ),
    ).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    expect(calls).toBe(2);
  });

  it('an error an inner retry already waited for is not waited for again', async () => {
    let calls = 0;
    const started = Date.now();
    await expect(
      retryWhileBusy(() =>
        retryWhileBusy(
          () => {
            calls++;
            throw busy();
          },
          { boundMs: 100 },
        ),
        { boundMs: 5000 },
      ),
    ).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('does not retry other errors', async () => {
    let calls = 0;
    await expect(
      retryWhileBusy(() => {
        calls++;
        throw new Error('boom');
      }, { boundMs: 1000 }),
    ).rejects.toThrow('boom');
    expect(calls).toBe(1);
  });

  it('keeps the event loop free between attempts', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    let calls = 0;
    await retryWhileBusy(() => {
      if (++calls < 5) throw busy();
    }, { boundMs: 5000 });
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(10); // 25+50+100+200 ms of waiting ran other timers
  });
});
