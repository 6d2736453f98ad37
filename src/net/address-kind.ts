import { BlockList, isIP } from 'node:net';

export type AddressKind = 'public' | 'loopback' | 'private' | 'link-local' | 'unique-local' | 'reserved';

function blockList(ipv4: readonly string[], ipv6: readonly string[] = []): BlockList {
  const list = new BlockList();
  for (const cidr of ipv4) {
    const [network, prefix] = cidr.split('/') as [string, string];
    list.addSubnet(network, Number(prefix), 'ipv4');
  }
  for (const cidr of ipv6) {
    const [network, prefix] = cidr.split('/') as [string, string];
    list.addSubnet(network, Number(prefix), 'ipv6');
  }
  return list;
}

// IANA special-purpose registries (RFC 6890 and successors): everything here is not the internet.
const KINDS: readonly [Exclude<AddressKind, 'public'>, BlockList][] = [
  ['loopback', blockList(['127.0.0.0/8'], ['::1/128'])],
  ['private', blockList(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'])],
  ['link-local', blockList(['169.254.0.0/16'], ['fe80::/10'])],
  ['unique-local', blockList([], ['fc00::/7'])],
  [
    'reserved',
    blockList(
      [
        '0.0.0.0/8',
        '192.0.0.0/24',
        '192.0.2.0/24',
        '198.18.0.0/15',
        '198.51.100.0/24',
        '203.0.113.0/24',
        '224.0.0.0/4',
        '240.0.0.0/4',
      ],
      ['::/128', '100::/64', '2001:db8::/32', 'ff00::/8'],
    ),
  ],
];

/** IPv4 carried inside IPv6 (::ffff:a.b.c.d, the NAT64 prefix 64:ff9b::/96) is judged as IPv4. */
function embeddedIpv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower)?.[1];
  if (dotted) return dotted;
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return undefined;
  const high = Number.parseInt(hex[1] as string, 16);
  const low = Number.parseInt(hex[2] as string, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

export function classifyAddress(address: string): AddressKind {
  const v4 = isIP(address) === 6 ? embeddedIpv4(address) : undefined;
  const ip = v4 ?? address;
  const family = isIP(ip) === 4 ? 'ipv4' : 'ipv6';
  for (const [kind, list] of KINDS) {
    if (list.check(ip, family)) return kind;
  }
  return 'public';
}
