// The storage lock holds across every copy of its module in the process (Next bundles it once per route
// handler, server action and the instance manager): a removal queued through one copy waits for a storage
// check running through another.
import { describe, expect, it, vi } from 'vitest';

describe('withStorageLock', () => {
  it('makes work queued through a second copy of the module wait for the first', async () => {
    const first = (await import('./lock')).withStorageLock;
    vi.resetModules();
    const second = (await import('./lock')).withStorageLock;
    expect(second).not.toBe(first); // two copies, as in Next's bundles
    const order: string[] = [];
    let release!: () => void;
    const held = first(() => new Promise<void>((resolve) => (release = () => (order.push('check done'), resolve()))));
    const removal = second(() => void order.push('removal'));
    await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([]); // the removal waits
    release();
    await Promise.all([held, removal]);
    expect(order).toEqual(['check done', 'removal']);
  });

  it('goes on after a failed holder, and gives each caller its own result or error', async () => {
    const { withStorageLock } = await import('./lock');
    await expect(withStorageLock(() => Promise.reject(new Error('no space')))).rejects.toThrow('no space');
    await expect(withStorageLock(() => 42)).resolves.toBe(42);
  });
});
