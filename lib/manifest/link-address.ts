// Rules for a LINK app's Link.Address: an absolute http(s) URL a browser will open exactly as shown,
// stored (and redirected to) only in its normalised URL.href form.

export const LINK_ADDRESS_MAX_LENGTH = 2048;

/**
 * Whitespace, control and format characters (zero-width spaces and joiners, bidirectional controls, the
 * BOM, soft hyphen) and the invisible fillers: none belongs in an address a person is meant to read.
 */
const INVISIBLE = /[\s\p{Cc}\p{Cf}\p{Z}\u034F\u115F\u1160\u17B4\u17B5\u180B-\u180F\u2800\u3164\uFE00-\uFE0F\uFFA0]/u;

/** The problem with `s` as a Link.Address, or null when it is fine. */
export function linkAddressProblem(s: string, options: { allowPrivate: boolean }): string | null {
  if (s.length > LINK_ADDRESS_MAX_LENGTH) {
    return `Address is ${s.length} characters long; at most ${LINK_ADDRESS_MAX_LENGTH} are allowed.`;
  }
  const shown = JSON.stringify(s);
  if (s !== s.trim()) return `Address ${shown} has surrounding spaces; remove them.`;
  if (s.includes('\\')) return `Address ${shown} contains a backslash; browsers read it as "/", so write "/" (or %5C) instead.`;
  const invisible = INVISIBLE.exec(s);
  if (invisible) {
    const code = invisible[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return `Address ${shown} contains whitespace or an invisible character (U+${code}); percent-encode it or remove it.`;
  }
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return `Address ${shown} is not an absolute URL; write it in full, such as "https://example.com".`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `Address ${shown} must be an https: or http: URL.`;
  if (url.hostname === '') return `Address ${shown} has no host.`;
  if (url.username !== '' || url.password !== '') return `Address ${shown} must not contain a user name or password.`;
  if (url.href.length > LINK_ADDRESS_MAX_LENGTH) {
    return `Address is ${url.href.length} characters long once normalised; at most ${LINK_ADDRESS_MAX_LENGTH} are allowed.`;
  }
  if (!options.allowPrivate && isInternalHost(url.hostname)) {
    return `Address ${shown} points to a loopback, link-local or private address (${url.hostname}); link apps must open a public address.`;
  }
  return null;
}

/** The address as it is stored and redirected to: the parser's own serialisation. */
export function normalizeLinkAddress(s: string): string {
  return new URL(s).href;
}

/** Loopback, link-local, private, unspecified and multicast hosts (as URL.hostname spells them). */
export function isInternalHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host.startsWith('[')) return isInternalIPv6(host.slice(1, -1));
  const v4 = ipv4(host);
  return v4 !== null && isInternalIPv4(v4);
}

function ipv4(host: string): number[] | null {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : null;
}

function isInternalIPv4([a, b]: number[]): boolean {
  return (
    a === 0 || // "this network", 0.0.0.0
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
    (a === 169 && b === 254) || // link-local, cloud metadata
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    a >= 224 // multicast, reserved, broadcast
  );
}

function isInternalIPv6(address: string): boolean {
  const groups = expandIPv6(address);
  if (!groups) return true; // unparseable: do not let it through
  if (groups.every((g) => g === 0)) return true; // ::
  if (groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1) return true; // ::1
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) addresses are the IPv4 address.
  if (groups.slice(0, 5).every((g) => g === 0) && (groups[5] === 0xffff || groups[5] === 0)) {
    return isInternalIPv4([groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff]);
  }
  const first = groups[0];
  return (
    (first & 0xfe00) === 0xfc00 || // unique local fc00::/7
    (first & 0xffc0) === 0xfe80 || // link-local fe80::/10
    (first & 0xffc0) === 0xfec0 || // site-local (deprecated) fec0::/10
    (first & 0xff00) === 0xff00 || // multicast
    (first === 0x64 && groups[1] === 0xff9b) // NAT64 64:ff9b::/96 reaches IPv4 targets
  );
}

/** Eight 16-bit groups of an IPv6 address as URL.hostname serialises it (hex groups, `::` compressed). */
function expandIPv6(address: string): number[] | null {
  const halves = address.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN)));
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return groups.some(Number.isNaN) ? null : groups;
}
