import { describe, expect, test } from 'vitest';
import { sniffImage } from './sniff';

const bytes = (...parts: (number[] | string)[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

describe('sniffImage', () => {
  test.each([
    ['PNG', bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), 'image/png'],
    ['JPEG (JFIF)', bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], 'JFIF'), 'image/jpeg'],
    ['JPEG (Exif)', bytes([0xff, 0xd8, 0xff, 0xe1]), 'image/jpeg'],
    ['GIF87a', bytes('GIF87a', [1, 0]), 'image/gif'],
    ['GIF89a', bytes('GIF89a', [1, 0]), 'image/gif'],
    ['WebP', bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 '), 'image/webp'],
  ])('%s', (_, head, type) => {
    expect(sniffImage(head)).toBe(type);
  });

  test.each([
    ['empty', bytes()],
    ['text', bytes('hello world!')],
    ['SVG', bytes('<svg xmlns="http://www.w3.org/2000/svg">')],
    ['a RIFF that is WAV audio', bytes('RIFF', [0x24, 0, 0, 0], 'WAVEfmt ')],
    ['a RIFF cut short', bytes('RIFF', [0x24, 0, 0, 0])],
    ['a truncated PNG signature', bytes([0x89], 'PNG', [0x0d, 0x0a])],
    ['GIF with an unknown version', bytes('GIF90a')],
    ['two bytes of JPEG', bytes([0xff, 0xd8])],
    ['a zip file', bytes('PK', [3, 4, 20, 0])],
  ])('%s is not an image', (_, head) => {
    expect(sniffImage(head)).toBeNull();
  });
});
