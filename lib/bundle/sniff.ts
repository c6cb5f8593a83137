// Image types recognised from their first bytes, because a file name says nothing about what a bundle really holds.

export type ImageType = 'image/png' | 'image/jpeg' | 'image/webp' | 'image/gif';

/** Bytes sniffImage needs to tell every supported type apart. */
export const SNIFF_BYTES = 12;

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const GIF87 = [...'GIF87a'].map((c) => c.charCodeAt(0));
const GIF89 = [...'GIF89a'].map((c) => c.charCodeAt(0));
const RIFF = [...'RIFF'].map((c) => c.charCodeAt(0));
const WEBP = [...'WEBP'].map((c) => c.charCodeAt(0));

function startsWith(head: Uint8Array, signature: number[], at = 0): boolean {
  return head.length >= at + signature.length && signature.every((byte, i) => head[at + i] === byte);
}

/** The image type of a file from its first bytes (at least SNIFF_BYTES for WebP), or null when it is none of these. */
export function sniffImage(head: Uint8Array): ImageType | null {
  if (startsWith(head, PNG)) return 'image/png';
  if (startsWith(head, JPEG)) return 'image/jpeg';
  if (startsWith(head, GIF87) || startsWith(head, GIF89)) return 'image/gif';
  // RIFF container: "RIFF", 4 bytes of length, then the form type.
  if (startsWith(head, RIFF) && startsWith(head, WEBP, 8)) return 'image/webp';
  return null;
}
