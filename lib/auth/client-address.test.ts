import { afterEach, describe, expect, it } from 'vitest';
import { clientAddressFrom, clientAddressOf, SOCKET_ADDRESS_HEADER, throttleNetwork } from './client-address';
import { setEnv } from '@/lib/testing/env';

afterEach(() => {
  setEnv({ TRUST_PROXY: undefined, TRUST_PROXY_HOPS: undefined });
});

describe('clientAddressFrom', () => {
  it('without TRUST_PROXY, the socket address is the client whatever X-Forwarded-For says', () => {
    expect(clientAddressFrom('127.0.0.2', '10.9.9.9', { enabled: false, hops: 1 })).toBe('127.0.0.2');
    expect(clientAddressFrom('::ffff:127.0.0.2', null, { enabled: false, hops: 1 })).toBe('127.0.0.2');
    expect(clientAddressFrom(undefined, '10.9.9.9', { enabled: false, hops: 1 })).toBe('unknown');
  });

  it('with TRUST_PROXY, the rightmost address our proxies did not add', () => {
    const one = { enabled: true, hops: 1 };
    // The proxy (socket 10.0.0.5) appended the real client 198.51.100.7; the forged left part is ignored.
    expect(clientAddressFrom('10.0.0.5', 'forged-1, 6.6.6.6, 198.51.100.7', one)).toBe('198.51.100.7');
    expect(clientAddressFrom('10.0.0.5', '198.51.100.7', one)).toBe('198.51.100.7');
    const two = { enabled: true, hops: 2 };
    expect(clientAddressFrom('10.0.0.5', '6.6.6.6, 198.51.100.7, 10.0.0.4', two)).toBe('198.51.100.7');
    // Fewer entries than hops: the leftmost one.
    expect(clientAddressFrom('10.0.0.5', '', two)).toBe('10.0.0.5');
    expect(clientAddressFrom('10.0.0.5', '[2001:db8::1]:443', one)).toBe('2001:db8::1');
  });

  it('reads TRUST_PROXY and TRUST_PROXY_HOPS from the environment', () => {
    const headers = new Headers({ [SOCKET_ADDRESS_HEADER]: '10.0.0.5', 'x-forwarded-for': '6.6.6.6, 198.51.100.7' });
    expect(clientAddressOf(headers)).toBe('10.0.0.5');
    setEnv({ TRUST_PROXY: 'true' });
    expect(clientAddressOf(headers)).toBe('198.51.100.7');
    setEnv({ TRUST_PROXY_HOPS: '2' });
    expect(clientAddressOf(headers)).toBe('6.6.6.6');
    // A bad value is refused when the configuration is read (at start-up), naming the variable.
    expect(() => setEnv({ TRUST_PROXY: 'maybe' })).toThrow(/TRUST_PROXY: must be true or false/);
    expect(() => setEnv({ TRUST_PROXY: 'true', TRUST_PROXY_HOPS: '0' })).toThrow(/TRUST_PROXY_HOPS: must be at least 1/);
  });
});

describe('throttleNetwork', () => {
  it('keeps IPv4 addresses, counts IPv6 ones by their /64 and IPv4-mapped ones as IPv4', () => {
    expect(throttleNetwork('198.51.100.7')).toBe('198.51.100.7');
    expect(throttleNetwork('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(throttleNetwork('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(throttleNetwork('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(throttleNetwork('::1')).toBe('::/64');
    expect(throttleNetwork('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(throttleNetwork('::ffff:c000:207')).toBe('192.0.2.7');
    expect(throttleNetwork('unknown')).toBe('unknown');
  });
});
