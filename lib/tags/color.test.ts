import { describe, expect, it } from 'vitest';
import { contrastRatio, isHexColor, textColorFor } from './color';

describe('tag colours', () => {
  it('accepts only #rrggbb', () => {
    expect(isHexColor('#1a2B3c')).toBe(true);
    for (const bad of ['1a2b3c', '#abc', '#1a2b3g', '#1a2b3c4', 'red', '', '#1a2b3c\n']) expect(isHexColor(bad)).toBe(false);
  });

  it('picks the text colour with the higher contrast, and it is readable (≥ 4.5:1) on strong colours', () => {
    expect(textColorFor('#ffffff')).toBe('#000000');
    expect(textColorFor('#000000')).toBe('#ffffff');
    expect(textColorFor('#ffeb3b')).toBe('#000000'); // yellow
    expect(textColorFor('#1e3a8a')).toBe('#ffffff'); // dark blue
    expect(textColorFor('#4b5563')).toBe('#ffffff'); // the default grey
    for (const bg of ['#ff0000', '#00ff00', '#0000ff', '#808080', '#4b5563', '#f97316', '#7c3aed']) {
      expect(contrastRatio(bg, textColorFor(bg))).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('the best of black and white always reaches at least 4.5:1', () => {
    for (let v = 0; v < 256; v += 5) {
      const hex = `#${v.toString(16).padStart(2, '0').repeat(3)}`;
      expect(contrastRatio(hex, textColorFor(hex))).toBeGreaterThanOrEqual(4.5);
    }
  });
});
