import { describe, expect, it } from 'vitest';
import { firstInOrder } from './index-query';

describe('firstInOrder', () => {
  it('gives the first k items of a full sort, for small and large k, with ties broken by the order given', () => {
    let seed = 3;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const n of [0, 1, 5, 100, 2000]) {
      const items = Array.from({ length: n }, (_, i) => i);
      const key = items.map(() => Math.floor(random() * 50));
      const compare = (a: number, b: number) => key[a] - key[b] || a - b;
      const sorted = [...items].sort(compare);
      for (const k of [0, 1, 24, 48, 250, n]) {
        expect(firstInOrder(items, k, compare).slice(0, k), `n=${n} k=${k}`).toEqual(sorted.slice(0, k));
      }
    }
  });
});
