import ipaddr from 'ipaddr.js';

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;

/** The address in an IP literal (`10.0.0.1`, `::1`, `fe80::1%eth0`), or `undefined` when it is none. */
function parse(ip: string): IPv4 | IPv6 | undefined {
  // Only the standard forms: ipaddr.js also reads `0x7f.1` and `2130706433`, which no resolver
  // answers with and which WHATWG URL parsing has already turned into dotted decimal.
  if (ipaddr.IPv4.isValidFourPartDecimal(ip)) return ipaddr.IPv4.parse(ip);
  const v6 = ip.includes(':') ? hexTail(ip) : ip;
  if (ipaddr.IPv6.isValid(v6)) return ipaddr.IPv6.parse(v6);
  return undefined;
}

/**
 * An IPv6 address with its dotted IPv4 tail in hex: ipaddr.js reads `::a.b.c.d` (IPv4-compatible,
 * RFC 4291 §2.5.5.1) as `::ffff:a.b.c.d` (IPv4-mapped), which a socket does not.
 */
function hexTail(ip: string): string {
  return ip.replace(/(?<=:)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?=$|%)/, (tail, ...octets: string[]) => {
    const [a, b, c, d] = octets.slice(0, 4).map(Number) as [number, number, number, number];
    if ([a, b, c, d].some((octet) => octet > 255)) return tail;
    return `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  });
}

/** The IPv4 address in 32 bits of an IPv6 address's parts, from `parts[at]` on. */
function embeddedV4(v6: IPv6, at: number, mask = 0): IPv4 {
  const high = ((v6.parts[at] as number) ^ mask) & 0xffff;
  const low = ((v6.parts[at + 1] as number) ^ mask) & 0xffff;
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/**
 * IPv4 ranges other than `unicast` (ipaddr.js's names): unspecified and 0.0.0.0/8, broadcast,
 * multicast, link-local, loopback, carrier-grade NAT 100.64/10 (RFC 6598), private (RFC 1918),
 * reserved and documentation ranges (RFC 5735, 5737), 240/4, AS112 and AMT.
 */
function isPublicV4(v4: IPv4): boolean {
  return v4.range() === 'unicast';
}

function isPublicV6(v6: IPv6): boolean {
  switch (v6.range()) {
    case 'unicast':
      // What ipaddr.js calls unicast includes the deprecated site-local fec0::/10 and the
      // IPv4-compatible ::a.b.c.d; globally routable unicast is 2000::/3 (RFC 4291 §2.4).
      return ((v6.parts[0] as number) & 0xe000) === 0x2000;
    case 'ipv4Mapped': // ::ffff:a.b.c.d (RFC 4291 §2.5.5.2): a connection goes to the IPv4 address.
    case 'rfc6145': // ::ffff:0:a.b.c.d, IPv4-translated (RFC 6145).
    case 'rfc6052': // 64:ff9b::a.b.c.d, NAT64 (RFC 6052 §2.1): the gateway connects to the IPv4 address.
      return isPublicV4(embeddedV4(v6, 6));
    case '6to4': // 2002:AABB:CCDD::/48 (RFC 3056 §2): relayed to AA.BB.CC.DD.
      return isPublicV4(embeddedV4(v6, 1));
    case 'teredo': // 2001:0:server:flags:port:client (RFC 4380 §4): the client's address is inverted.
      return isPublicV4(embeddedV4(v6, 2)) && isPublicV4(embeddedV4(v6, 6, 0xffff));
    default:
      // unspecified, loopback, link-local fe80::/10, unique-local fc00::/7, multicast, discard,
      // documentation and the other reserved or special-purpose ranges.
      return false;
  }
}

/**
 * Whether a connection to `ip` (an address a resolver answered, or an IP literal) reaches the
 * public Internet: globally routable unicast only. An IPv6 address carrying an IPv4 one (mapped,
 * translated, NAT64, 6to4, Teredo) is judged by the IPv4 address it carries. Anything that does
 * not parse as an address is not public.
 */
export function isPublicAddress(ip: string): boolean {
  const address = parse(ip);
  if (address === undefined) return false;
  return address.kind() === 'ipv4' ? isPublicV4(address as IPv4) : isPublicV6(address as IPv6);
}

/** Whether `ip` is a loopback address: 127.0.0.0/8, `::1`, or an IPv4-mapped `::ffff:127.x.y.z`. */
export function isLoopbackAddress(ip: string): boolean {
  const address = parse(ip);
  if (address === undefined) return false;
  if (address.kind() === 'ipv4') return address.range() === 'loopback';
  const v6 = address as IPv6;
  if (v6.range() === 'ipv4Mapped') return v6.toIPv4Address().range() === 'loopback';
  return v6.range() === 'loopback';
}
