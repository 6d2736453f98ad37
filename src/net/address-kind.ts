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

/** The eight 16-bit groups of an IPv6 address (any valid spelling, dotted tail included). */
function ipv6Groups(address: string): number[] {
  // The URL parser writes every IPv6 address the same way: lowercase hex, no dotted tail.
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const [head = '', tail] = canonical.split('::');
  const groups = (text: string) => (text === '' ? [] : text.split(':').map((g) => Number.parseInt(g, 16)));
  const before = groups(head);
  const after = tail === undefined ? [] : groups(tail);
  return [...before, ...Array<number>(8 - before.length - after.length).fill(0), ...after];
}

const dotted = (high: number, low: number): string => [high >> 8, high & 255, low >> 8, low & 255].join('.');

/**
 * IPv4 carried inside IPv6 is judged as that IPv4 address: IPv4-compatible (::a.b.c.d), mapped
 * (::ffff:a.b.c.d), translated (::ffff:0:a.b.c.d), 6to4 (2002::/16, RFC 3056) and NAT64, both the
 * well-known 64:ff9b::/96 and the local-use 64:ff9b:1::/48 (RFC 8215, laid out as RFC 6052 /48).
 */
function embeddedIpv4(address: string): string | undefined {
  const g = ipv6Groups(address);
  const [g0, g1, g2, g3, g4, g5, g6, g7] = g as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const zeroUpTo = (n: number) => g.slice(0, n).every((group) => group === 0);
  if (zeroUpTo(6) && (g6 !== 0 || g7 > 1)) return dotted(g6, g7); // ::a.b.c.d, not :: or ::1
  if (zeroUpTo(5) && g5 === 0xffff) return dotted(g6, g7);
  if (zeroUpTo(4) && g4 === 0xffff && g5 === 0) return dotted(g6, g7);
  if (g0 === 0x2002) return dotted(g1, g2);
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return dotted(g6, g7);
  // /48: the address is in bits 48–63 and 72–87; bits 64–71 are the reserved "u" octet.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) return dotted(g3, ((g4 & 0xff) << 8) | (g5 >> 8));
  return undefined;
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
