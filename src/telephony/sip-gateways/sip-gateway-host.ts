import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A SIP gateway host as the switch dials it: a DNS name or an IP literal, nothing else — no
 * scheme, user, port, path or brackets (the port has its own field). Returns the normalised
 * host (lower case) or null.
 */
export function normaliseGatewayHost(value: string): string | null {
  const host = value.trim().toLowerCase();
  if (!host || host.length > 253) return null;
  if (isIP(host)) return host;
  const labels = host.split('.');
  if (!labels.every((label) => LABEL.test(label))) return null;
  // "10.0.0.300" is a mistyped address, not a name: a top-level label is never all digits.
  if (/^[0-9]+$/.test(labels[labels.length - 1])) return null;
  return host;
}

/**
 * Where a host points, for the switch that will dial it:
 * - `public`: a global unicast address or an ordinary DNS name;
 * - `internal`: loopback, link-local, RFC 1918, CGNAT (100.64/10), IPv6 ULA (fc00::/7) and
 *   site-local, their IPv4-mapped forms, and names that only resolve inside a network
 *   (`localhost`, `*.localhost`, `*.local`, `*.internal`, `*.home.arpa`) — a partner pointing
 *   the switch at its own network; allowed only where the operator allows private hosts;
 * - `unroutable`: never a gateway — unspecified, broadcast, multicast, documentation,
 *   benchmarking and reserved ranges, IPv6 outside 2000::/3, tunnels and translation prefixes
 *   (6to4, Teredo, NAT64), and any zone id (it names an interface of the switch's own host).
 * Names are judged by their spelling only: what they resolve to is for the switch to check
 * when it dials.
 */
export type GatewayHostReach = 'public' | 'internal' | 'unroutable';

const INTERNAL_V4 = new Set(['loopback', 'linkLocal', 'private', 'carrierGradeNat']);
const INTERNAL_V6 = new Set(['loopback', 'linkLocal', 'uniqueLocal', 'deprecatedSiteLocal']);
const INTERNAL_NAME = /(?:^|\.)(?:localhost|local|internal|home\.arpa)$/;

/** `host` as returned by normaliseGatewayHost. */
export function gatewayHostReach(host: string): GatewayHostReach {
  if (host.includes('%')) return 'unroutable';
  const version = isIP(host);
  if (version === 0) return INTERNAL_NAME.test(host) ? 'internal' : 'public';
  if (version === 4) return ipv4Reach(ipaddr.IPv4.parse(host));
  // ipaddr.js reads any dotted tail as IPv4-mapped ("::127.0.0.1" becomes ::ffff:7f00:1); only the
  // mapped form itself is an IPv4 address, the rest (IPv4-compatible, NAT64 spellings) is unroutable.
  if (host.includes('.') && !host.startsWith('::ffff:')) return 'unroutable';
  const address = ipaddr.IPv6.parse(host);
  if (address.isIPv4MappedAddress()) return ipv4Reach(address.toIPv4Address());
  const range = address.range();
  if (INTERNAL_V6.has(range)) return 'internal';
  // range() says "unicast" for whatever no special range names, ::7f00:1 (IPv4-compatible) included.
  return range === 'unicast' && (address.parts[0] & 0xe000) === 0x2000 ? 'public' : 'unroutable';
}

function ipv4Reach(address: ipaddr.IPv4): GatewayHostReach {
  const range = address.range();
  if (range === 'unicast') return 'public';
  return INTERNAL_V4.has(range) ? 'internal' : 'unroutable';
}
