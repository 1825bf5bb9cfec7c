import ipaddr from 'ipaddr.js';

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;

// Both sit inside ranges that are blocked anyway (link-local, unique-local); naming them gives a clearer reason.
const METADATA_ADDRESSES = [ipaddr.parse('169.254.169.254'), ipaddr.parse('fd00:ec2::254')].map((a) =>
  a.toNormalizedString(),
);

const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');
// NAT64 (RFC 6052): only the well-known /96 maps onto the public IPv4 internet; 64:ff9b:1::/48 is for local use.
const WELL_KNOWN_NAT64 = ipaddr.IPv6.parseCIDR('64:ff9b::/96');

const RANGE_REASONS: Record<string, string> = {
  unspecified: 'an unspecified address',
  broadcast: 'a broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address',
  loopback: 'a loopback address',
  carrierGradeNat: 'a carrier-grade NAT address',
  private: 'a private address',
  uniqueLocal: 'a unique-local address',
};

const describeRange = (range: string): string => RANGE_REASONS[range] ?? 'a reserved address';

const v4FromWords = (high: number, low: number): IPv4 =>
  new ipaddr.IPv4([(high >> 8) & 0xff, high & 0xff, (low >> 8) & 0xff, low & 0xff]);

const v4Reason = (address: IPv4): string | undefined => {
  if (METADATA_ADDRESSES.includes(address.toNormalizedString())) return 'a cloud metadata address';
  const range = address.range();
  return range === 'unicast' ? undefined : describeRange(range);
};

/** Re-checks the IPv4 address an IPv6 transition address carries; the socket ends up talking to that host. */
const embeddedReason = (kind: string, embedded: IPv4[]): string | undefined => {
  for (const v4 of embedded) {
    const reason = v4Reason(v4);
    if (reason) return `${kind} address embedding ${reason}`;
  }
  return undefined;
};

const v6Reason = (address: IPv6): string | undefined => {
  if (METADATA_ADDRESSES.includes(address.toNormalizedString())) return 'a cloud metadata address';
  const words = address.parts;
  const word = (index: number): number => words[index] ?? 0;
  const range = address.range();
  switch (range) {
    case 'ipv4Mapped':
    case 'rfc6145':
      return embeddedReason('an IPv4-mapped', [v4FromWords(word(6), word(7))]);
    case 'rfc6052':
      return address.match(WELL_KNOWN_NAT64)
        ? embeddedReason('a NAT64', [v4FromWords(word(6), word(7))])
        : 'a reserved address';
    case '6to4':
      return embeddedReason('a 6to4', [v4FromWords(word(1), word(2))]);
    case 'teredo':
      // Teredo carries the server in the clear and the client obfuscated (bit-inverted) in the last 32 bits.
      return embeddedReason('a Teredo', [v4FromWords(word(2), word(3)), v4FromWords(~word(6), ~word(7))]);
    case 'unicast':
      // ipaddr.js calls everything it has no name for "unicast", including the deprecated IPv4-compatible ::/96
      // (::127.0.0.1); only global unicast 2000::/3 is routed on the internet.
      return address.match(GLOBAL_UNICAST_V6) ? undefined : 'a reserved address';
    default:
      return describeRange(range);
  }
};

/**
 * Says why a callback must not connect to `ip`, or returns undefined when the address is public. Only public
 * unicast passes: loopback, private, link-local, CGNAT, unique-local, multicast, reserved, unspecified, broadcast
 * and the cloud metadata addresses are refused, and IPv6 transition addresses (IPv4-mapped, NAT64, 6to4, Teredo)
 * are judged by the IPv4 address they carry. Accepts IPv6 in brackets and with a zone (`fe80::1%eth0`); whatever
 * does not parse as an address is refused too.
 */
export const blockedAddressReason = (ip: string): string | undefined => {
  const literal = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  let address: IPv4 | IPv6;
  try {
    address = ipaddr.parse(literal);
  } catch {
    return 'not a valid IP address';
  }
  return address.kind() === 'ipv4' ? v4Reason(address as IPv4) : v6Reason(address as IPv6);
};
