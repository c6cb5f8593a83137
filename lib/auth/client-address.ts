// The address a request comes from, for the sign-in throttle. The production server (server.ts) puts the
// TCP peer's address in SOCKET_ADDRESS_HEADER, overwriting whatever a client sent there; X-Forwarded-For is
// believed only when TRUST_PROXY says a known number of proxies stand in front.
import ipaddr from 'ipaddr.js';
import { trustProxy } from '@/lib/config';

export const SOCKET_ADDRESS_HEADER = 'x-appstore-socket-address';

/**
 * With `hops` trusted proxies, the chain is [...X-Forwarded-For, socket]: the last `hops` entries are our
 * proxies, and the entry before them is the client (anything further left was written by the client and
 * may be forged). A chain shorter than that yields its leftmost entry.
 */
export function clientAddressFrom(
  socketAddress: string | null | undefined,
  forwardedFor: string | null | undefined,
  proxy: { enabled: boolean; hops: number },
): string {
  const socket = normalize(socketAddress ?? '') || 'unknown';
  if (!proxy.enabled) return socket;
  const chain = [
    ...(forwardedFor ?? '')
      .split(',')
      .map((s) => normalize(s))
      .filter(Boolean),
    socket,
  ];
  return chain[Math.max(0, chain.length - 1 - proxy.hops)];
}

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is the IPv4 address; a port or brackets are dropped. */
function normalize(raw: string): string {
  let address = raw.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) address = bracketed[1];
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  if (address.startsWith('::ffff:') && address.includes('.')) address = address.slice(7);
  return address;
}

/**
 * What the sign-in throttle counts a client address under: an IPv4 address itself (an IPv4-mapped IPv6 address is
 * its IPv4 address), an IPv6 address its /64 (`2001:db8:1:2::/64`): one client usually holds a whole /64 and can
 * pick a fresh address from it for each attempt. Anything else (`unknown`) is counted as it is.
 */
export function throttleNetwork(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const v6 = parsed as ipaddr.IPv6;
  return `${new ipaddr.IPv6([...v6.parts.slice(0, 4), 0, 0, 0, 0]).toString()}/64`;
}

/** The client address of a request that came through server.ts. */
export function clientAddressOf(headers: Headers): string {
  return clientAddressFrom(headers.get(SOCKET_ADDRESS_HEADER), headers.get('x-forwarded-for'), trustProxy());
}
