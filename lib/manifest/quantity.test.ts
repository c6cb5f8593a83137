import { describe, expect, test } from 'vitest';
import { parseQuantity, quantityProblem } from './quantity';

describe('parseQuantity', () => {
  test.each([
    ['500Mi', 500 * 2 ** 20],
    ['2Gi', 2 * 2 ** 30],
    ['1Ki', 1024],
    ['1Ei', 2 ** 60],
    ['1.5', 1.5],
    ['500m', 0.5],
    ['1e3', 1000],
    ['1E3', 1000],
    ['2e-3', 0.002],
    ['1G', 1e9],
    ['1k', 1000],
    ['1E', 1e18],
    ['5.', 5],
    ['.5', 0.5],
    ['+1', 1],
    ['100u', 1e-4],
    ['0', 0],
  ])('%s = %d', (s, value) => {
    expect(parseQuantity(s)?.value).toBeCloseTo(value, 10);
  });

  test.each(['', '1GB', '1K', '1 Gi', 'Gi', '1.5.5', '1e', '1e1.5', '1Gi ', '- 1', '1mi', 'one', '1KiB', '.', '0x10'])(
    '%j is not a quantity',
    (s) => {
      expect(parseQuantity(s)).toBeNull();
    },
  );
});

describe('quantityProblem', () => {
  test('accepts the sizes and CPU amounts the guide shows', () => {
    for (const s of ['1Gi', '2Gi', '500Mi', '400Mi']) expect(quantityProblem('MemoryLimit', s, 'memory')).toBeNull();
    for (const s of ['1.5', '500m']) expect(quantityProblem('CPULimit', s, 'cpu')).toBeNull();
  });

  test('suggests the binary unit for byte notation', () => {
    expect(quantityProblem('MemoryLimit', '16GB', 'memory')).toContain('"16Gi"');
  });

  test('refuses negative and overflowing quantities', () => {
    expect(quantityProblem('MemoryLimit', '-1Gi', 'memory')).toContain('negative');
    expect(quantityProblem('VolumeSize', '1e400', 'memory')).toContain('too large');
  });

  test('names the kind of value a CPU attribute expects', () => {
    expect(quantityProblem('CPULimit', 'two', 'cpu')).toContain('millicores');
  });
});
