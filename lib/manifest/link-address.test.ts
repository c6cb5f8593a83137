// Link.Address: IPv6 addresses that embed an IPv4 address (and deliver to it) are judged by that IPv4 address,
// however the IPv6 address is written, so none of them smuggles a loopback or private target past the rule.
import { describe, expect, test } from 'vitest';
import { isInternalHost, linkAddressProblem } from './link-address';

const refused = (address: string) => linkAddressProblem(address, { allowPrivate: false });

describe('IPv6 forms that embed an IPv4 address', () => {
  test.each([
    // 6to4 2002::/16: the IPv4 address follows the prefix.
    ['6to4, loopback', 'http://[2002:7f00:1::]/'],
    ['6to4, loopback, written in full', 'http://[2002:7f00:0001:0000:0000:0000:0000:0001]/'],
    ['6to4, private 10/8', 'http://[2002:a00:1::1]/'],
    ['6to4, link-local metadata', 'http://[2002:a9fe:a9fe::]/'],
    // IPv4-mapped ::ffff:0:0/96.
    ['IPv4-mapped, dotted', 'http://[::ffff:127.0.0.1]/'],
    ['IPv4-mapped, hex', 'http://[::ffff:7f00:1]/'],
    ['IPv4-mapped, private 192.168/16', 'http://[0:0:0:0:0:ffff:c0a8:101]/'],
    // IPv4-translated ::ffff:0:0:0/96.
    ['IPv4-translated, loopback', 'http://[::ffff:0:127.0.0.1]/'],
    // IPv4-compatible ::/96.
    ['IPv4-compatible, loopback', 'http://[::127.0.0.1]/'],
    ['IPv4-compatible, private 172.16/12', 'http://[::ac10:1]/'],
    // NAT64 64:ff9b::/96, and the local-use 64:ff9b:1::/48 whose targets are the local network's.
    ['NAT64, loopback', 'http://[64:ff9b::127.0.0.1]/'],
    ['NAT64, private', 'http://[64:ff9b::a00:1]/'],
    ['NAT64 local use', 'http://[64:ff9b:1::808:808]/'],
    // Teredo 2001::/32: server IPv4 in bits 32–63, the client's inverted in the last 32.
    ['Teredo, client loopback', 'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/'],
    ['Teredo, server private', 'http://[2001:0:a00:1:8000:63bf:3fff:fdd2]/'],
  ])('%s (%s) is refused', (_, address) => {
    expect(refused(address)).toMatch(/loopback, link-local or private address/);
  });

  test.each([
    ['6to4', 'http://[2002:808:808::1]/'],
    ['IPv4-mapped', 'http://[::ffff:8.8.8.8]/'],
    ['IPv4-translated', 'http://[::ffff:0:8.8.8.8]/'],
    ['IPv4-compatible', 'http://[::8.8.8.8]/'],
    ['NAT64', 'http://[64:ff9b::8.8.8.8]/'],
    ['Teredo (RFC 4380’s example)', 'http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/'],
  ])('%s embedding a public IPv4 address (%s) passes', (_, address) => {
    expect(refused(address)).toBeNull();
  });

  test('plain IPv6 addresses keep their own rules', () => {
    for (const host of ['[::1]', '[::]', '[fe80::1]', '[fd12:3456::1]', '[fec0::1]', '[ff02::1]']) expect(isInternalHost(host), host).toBe(true);
    for (const host of ['[2001:db8::1]', '[2606:4700:4700::1111]', '[2001:4860:4860::8888]']) expect(isInternalHost(host), host).toBe(false);
  });
});
