import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where a notification may be sent. A webhook or ntfy URL is set by an API caller, so it must never reach this
 * machine or its network: in Lambda, 127.0.0.1:9001 is the runtime API and 169.254.169.254 the metadata service.
 * `allowPrivateNetworks` (a local host's setting, never a Lambda's) lets a laptop notify a LAN service such as Home
 * Assistant; link-local, unspecified, multicast and reserved addresses stay refused even then.
 */
export interface OutboundPolicy {
  allowPrivateNetworks: boolean;
}

export const PUBLIC_ONLY: OutboundPolicy = { allowPrivateNetworks: false };

/** A target refused before any connection: the message says why, in terms of the address, never of the URL. */
export class TargetNotAllowedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetNotAllowedError';
  }
}

type Kind = 'private' | 'loopback' | 'never';

function blocks(): Record<Kind, BlockList> {
  const lists = { private: new BlockList(), loopback: new BlockList(), never: new BlockList() };
  const add = (kind: Kind, cidr: string): void => {
    const [net, bits] = cidr.split('/');
    lists[kind].addSubnet(net!, Number(bits), net!.includes(':') ? 'ipv6' : 'ipv4');
  };
  for (const c of ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7']) add('private', c);
  for (const c of ['127.0.0.0/8', '::1/128']) add('loopback', c);
  // Unspecified, "this network", link-local (the metadata service), documentation, benchmarking, multicast, reserved.
  for (const c of [
    '0.0.0.0/8',
    '169.254.0.0/16',
    '192.0.0.0/24',
    '192.0.2.0/24',
    '198.18.0.0/15',
    '198.51.100.0/24',
    '203.0.113.0/24',
    '224.0.0.0/4',
    '240.0.0.0/4',
    '::/128',
    'fe80::/10',
    'ff00::/8',
    '2001:db8::/32',
  ])
    add('never', c);
  return lists;
}
const BLOCKS = blocks();

/** An IPv4 address carried inside an IPv6 one (IPv4-mapped ::ffff:a.b.c.d, or NAT64 64:ff9b::/96), if any. */
function embeddedIpv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1]!;
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return null;
  const [hi, lo] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** Why an address may not be a target under the policy, or null when it may. */
export function addressRefusal(address: string, policy: OutboundPolicy): string | null {
  const family = isIP(address);
  if (family === 0) return 'is not an IP address';
  const inner = family === 6 ? embeddedIpv4(address) : null;
  if (inner !== null) return addressRefusal(inner, policy);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (BLOCKS.never.check(address, type)) return 'is a link-local, unspecified, reserved or multicast address';
  if (policy.allowPrivateNetworks) return null;
  if (BLOCKS.loopback.check(address, type)) return 'is this machine (loopback)';
  if (BLOCKS.private.check(address, type)) return 'is on a private network (set NOTIFY_ALLOW_PRIVATE_NETWORKS=true on a local host to allow it)';
  return null;
}

/**
 * Checks a URL's host before anything is resolved: IP literals (the URL parser has already turned `2130706433`,
 * `0x7f000001` and `127.1` into 127.0.0.1) and names that are this machine by definition.
 */
export function checkTargetUrl(url: string, policy: OutboundPolicy): void {
  let host: string;
  try {
    host = new URL(url).hostname
      .toLowerCase()
      .replace(/^\[|\]$/g, '')
      .replace(/\.$/, '');
  } catch {
    throw new TargetNotAllowedError('the URL cannot be read');
  }
  if (isIP(host) !== 0) {
    const why = addressRefusal(host, policy);
    if (why) throw new TargetNotAllowedError(`the host ${host} ${why}`);
    return;
  }
  if (
    !policy.allowPrivateNetworks &&
    (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal') || !host.includes('.'))
  ) {
    throw new TargetNotAllowedError(`the host ${host} is a local name (set NOTIFY_ALLOW_PRIVATE_NETWORKS=true on a local host to allow it)`);
  }
}

/**
 * A DNS lookup for the connection itself: every address a name resolves to is checked, and the connection goes to a
 * checked one. Checking the name first and resolving it again to connect would let DNS answer differently the
 * second time (rebinding).
 */
export function guardedLookup(policy: OutboundPolicy, resolve: typeof dnsLookup = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses: LookupAddress[] | string) => {
      if (error) return callback(error, '', 0);
      const list = typeof addresses === 'string' ? [{ address: addresses, family: isIP(addresses) }] : addresses;
      const refused = list.map((a) => addressRefusal(a.address, policy)).find((why) => why !== null);
      if (refused || list.length === 0)
        return callback(new TargetNotAllowedError(`the host ${hostname} resolves to an address that ${refused ?? 'does not exist'}`), '', 0);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}
