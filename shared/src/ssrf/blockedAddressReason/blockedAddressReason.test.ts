import { describe, expect, it } from '@jest/globals';
import { blockedAddressReason } from './blockedAddressReason.js';

describe('blockedAddressReason', () => {
  it.each([
    ['8.8.8.8'],
    ['93.184.215.14'],
    ['2606:4700::1111'],
    ['[2a00:1450:4007:80e::200e]'],
    // IPv4-mapped, NAT64 and 6to4 addresses that carry a public IPv4 address reach that public host.
    ['::ffff:8.8.8.8'],
    ['64:ff9b::808:808'],
    ['2002:808:808::1'],
  ])('lets the public address %s through', (ip) => {
    expect(blockedAddressReason(ip)).toBeUndefined();
  });

  it.each([
    ['127.0.0.1', 'a loopback address'],
    ['127.255.255.254', 'a loopback address'],
    ['::1', 'a loopback address'],
    ['10.1.2.3', 'a private address'],
    ['172.16.0.1', 'a private address'],
    ['192.168.0.1', 'a private address'],
    ['169.254.1.1', 'a link-local address'],
    ['fe80::1', 'a link-local address'],
    ['fe80::1%eth0', 'a link-local address'],
    ['100.64.0.1', 'a carrier-grade NAT address'],
    ['fc00::1', 'a unique-local address'],
    ['224.0.0.1', 'a multicast address'],
    ['ff02::1', 'a multicast address'],
    ['0.0.0.0', 'an unspecified address'],
    ['0.1.2.3', 'an unspecified address'],
    ['::', 'an unspecified address'],
    ['255.255.255.255', 'a broadcast address'],
    ['240.0.0.1', 'a reserved address'],
    ['192.0.2.1', 'a reserved address'],
    ['198.18.0.1', 'a reserved address'],
    ['2001:db8::1', 'a reserved address'],
    ['169.254.169.254', 'a cloud metadata address'],
    ['fd00:ec2::254', 'a cloud metadata address'],
    ['::ffff:127.0.0.1', 'an IPv4-mapped address embedding a loopback address'],
    ['::ffff:a9fe:a9fe', 'an IPv4-mapped address embedding a cloud metadata address'],
    ['::ffff:0:a00:1', 'an IPv4-mapped address embedding a private address'],
    ['64:ff9b::7f00:1', 'a NAT64 address embedding a loopback address'],
    ['64:ff9b:1::8.8.8.8', 'a reserved address'],
    ['2002:7f00:1::', 'a 6to4 address embedding a loopback address'],
    ['2002:c0a8:1::1', 'a 6to4 address embedding a private address'],
    // Teredo: server 65.54.227.120 in the clear, client 10.0.0.1 bit-inverted in the last 32 bits.
    ['2001:0:4136:e378:8000:63bf:f5ff:fffe', 'a Teredo address embedding a private address'],
    // The deprecated IPv4-compatible form ::a.b.c.d, outside global unicast.
    ['::7f00:1', 'a reserved address'],
    ['not-an-ip', 'not a valid IP address'],
  ])('refuses %s as %s', (ip, reason) => {
    expect(blockedAddressReason(ip)).toBe(reason);
  });
});
