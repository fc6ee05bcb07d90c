// Which addresses a webhook may be sent to: public unicast only, unless an allow-list names the
// address. Everything private, loopback, link-local, shared (CGNAT), multicast, reserved or used
// for documentation is refused, in IPv4 and IPv6, and an IPv4 address written in IPv6 (mapped,
// translated, NAT64, 6to4, Teredo) is refused as a whole range or judged by the IPv4 address it
// carries.
import { BlockList, isIP } from 'node:net';
import { ValidationError } from '../../../core/errors/validation-error.js';

const REFUSED_V4: readonly [string, number][] = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // shared address space (CGNAT)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata services live here)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast address
];

const REFUSED_V6: readonly [string, number][] = [
  ['::', 96], // unspecified, loopback, IPv4-compatible
  ['::ffff:0:0:0', 96], // IPv4-translated (SIIT)
  ['64:ff9b::', 96], // NAT64
  ['64:ff9b:1::', 48], // local NAT64
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments (Teredo among them)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4
  ['3fff::', 20], // documentation (2024)
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

const refused = new BlockList();
for (const [network, prefix] of REFUSED_V4) refused.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of REFUSED_V6) refused.addSubnet(network, prefix, 'ipv6');

/** The eight 16-bit groups of an IPv6 literal (already checked by `isIP`). */
function groupsOf(address: string): number[] {
  let text = address.toLowerCase();
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    const [a, b, c, d] = text.slice(lastColon + 1).split('.').map(Number) as [number, number, number, number];
    tail.push((a << 8) | b, (c << 8) | d);
    text = `${text.slice(0, lastColon + 1)}0`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16)));
  const left = parse(head);
  const right = rest === undefined ? [] : parse(rest);
  if (tail.length > 0) (rest === undefined ? left : right).pop();
  const fill = Array.from({ length: Math.max(0, 8 - tail.length - left.length - right.length) }, () => 0);
  return [...left, ...fill, ...right, ...tail];
}

/** The IPv4 address an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, `::ffff:7f00:1`) carries, if it is one. */
function mappedIPv4(address: string): string | undefined {
  const g = groupsOf(address);
  if (g.length !== 8 || g.slice(0, 5).some((x) => x !== 0) || g[5] !== 0xffff) return undefined;
  return `${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`;
}

/** Decides which resolved addresses a request may go to. */
export interface AddressPolicy {
  /** Whether a request may connect to `address` (an IPv4 or IPv6 literal). */
  permits(address: string): boolean;
}

/**
 * The policy: public unicast addresses, plus those `allow` names (IP addresses or CIDR ranges,
 * e.g. `127.0.0.1`, `10.20.0.0/16`, `::1`) even though they are private.
 * @throws ValidationError for an entry that is not an address or a range.
 */
export function createAddressPolicy(allow: readonly string[] = []): AddressPolicy {
  if (!Array.isArray(allow)) throw new ValidationError([{ path: 'allowAddresses', message: 'must be a list of addresses or CIDR ranges' }]);
  const allowed = new BlockList();
  allow.forEach((entry, i) => {
    const match = typeof entry === 'string' ? /^([0-9A-Fa-f.:]{2,45})(?:\/(\d{1,3}))?$/.exec(entry) : null;
    const family = match ? isIP(match[1]!) : 0;
    const prefix = match?.[2] === undefined ? (family === 4 ? 32 : 128) : Number(match[2]);
    if (!match || family === 0 || prefix > (family === 4 ? 32 : 128)) {
      throw new ValidationError([{ path: `allowAddresses.${i}`, message: 'must be an IP address or a CIDR range' }]);
    }
    allowed.addSubnet(match[1]!, prefix, family === 4 ? 'ipv4' : 'ipv6');
  });
  return Object.freeze({
    permits(address: string): boolean {
      const family = isIP(address);
      if (family === 0) return false;
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (allowed.check(address, type)) return true;
      const carried = family === 6 ? mappedIPv4(address) : undefined;
      if (carried !== undefined) return allowed.check(carried, 'ipv4') || !refused.check(carried, 'ipv4');
      return !refused.check(address, type);
    },
  });
}
