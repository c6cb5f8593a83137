// Rules for a LINK app's Link.Address: an absolute http(s) URL a browser will open exactly as shown,
// stored (and redirected to) only in its normalised URL.href form.
import ipaddr from 'ipaddr.js';

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

/** IPv6 ranges that stay inside the host or its network (ipaddr.js's names). */
const INTERNAL_IPV6_RANGES = new Set(['unspecified', 'loopback', 'linkLocal', 'deprecatedSiteLocal', 'uniqueLocal', 'multicast']);

function isInternalIPv6(text: string): boolean {
  if (!ipaddr.IPv6.isValid(text)) return true; // unparseable: do not let it through
  const address = ipaddr.IPv6.parse(text);
  const carried = embeddedIPv4(address);
  if (carried) return carried.length === 0 || carried.some(isInternalIPv4);
  return INTERNAL_IPV6_RANGES.has(address.range());
}

/**
 * The IPv4 addresses an IPv6 address stands for, where it is one of the forms that embed IPv4 (and reach it: a
 * relay or translator delivers the traffic there), else null; an empty list where the IPv4 target is one of the
 * local network's own (a local-use NAT64 prefix). Such an address is judged by the IPv4 address alone.
 */
export function embeddedIPv4(address: ipaddr.IPv6): number[][] | null {
  const p = address.parts;
  const v4 = (high: number, low: number) => [high >> 8, high & 0xff, low >> 8, low & 0xff];
  const zeros = (from: number, to: number) => p.slice(from, to).every((g) => g === 0);
  if (zeros(0, 6)) return [v4(p[6], p[7])]; // IPv4-compatible ::a.b.c.d (::/96, :: and ::1 included)
  if (zeros(0, 5) && p[5] === 0xffff) return [v4(p[6], p[7])]; // IPv4-mapped ::ffff:a.b.c.d
  if (zeros(0, 4) && p[4] === 0xffff && p[5] === 0) return [v4(p[6], p[7])]; // IPv4-translated ::ffff:0:a.b.c.d (RFC 6145)
  if (p[0] === 0x64 && p[1] === 0xff9b) {
    if (zeros(2, 6)) return [v4(p[6], p[7])]; // NAT64 well-known prefix 64:ff9b::/96
    if (p[2] === 1) return []; // 64:ff9b:1::/48: a NAT64 prefix for local use (RFC 8215)
  }
  if (p[0] === 0x2002) return [v4(p[1], p[2])]; // 6to4 2002:AABB:CCDD::/48
  // Teredo 2001:0::/32: the server's IPv4 address, and the client's, stored inverted in the last 32 bits.
  if (p[0] === 0x2001 && p[1] === 0) return [v4(p[2], p[3]), v4(~p[6] & 0xffff, ~p[7] & 0xffff)];
  return null;
}
