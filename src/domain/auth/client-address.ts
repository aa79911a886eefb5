import { isIPv4, isIPv6 } from 'node:net';

/** The eight 16-bit groups of an IPv6 address (with any zone and embedded IPv4 resolved); null when it is not one. */
function ipv6Groups(address: string): number[] | null {
  const bare = address.split('%')[0];
  if (!isIPv6(bare)) return null;
  let text = bare;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (isIPv4(tail)) {
    const [a, b, c, d] = tail.split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.split('::');
  const parse = (part: string | undefined) => (part ? part.split(':').map((g) => Number.parseInt(g, 16)) : []);
  const front = parse(head);
  const back = parse(rest);
  if (rest === undefined) return front;
  return [...front, ...new Array(8 - front.length - back.length).fill(0), ...back];
}

/**
 * The part of a client address that names one client for throttling: an IPv4 address
 * whole, an IPv6 address by its /64 (one subscriber's network, RFC 6177: a client that
 * owns a /64 could otherwise take a fresh address for every guess). IPv4-mapped IPv6
 * (::ffff:a.b.c.d, as a dual-stack socket reports IPv4 clients) counts as the IPv4 address.
 */
export function throttleAddress(address: string): string {
  const groups = ipv6Groups(address);
  if (!groups) return address;
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped) return [groups[6] >> 8, groups[6] & 255, groups[7] >> 8, groups[7] & 255].join('.');
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}
