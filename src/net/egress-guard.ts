import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { Agent, type Dispatcher, fetch, type RequestInit, type Response } from 'undici';

/**
 * Where auto-vid may connect when it fetches an asset or sends a webhook. In the cloud only public
 * addresses: never loopback, private, link-local (169.254.0.0/16 holds the instance metadata
 * service), unique-local or otherwise reserved ones. On one machine loopback is allowed as well.
 */
export interface EgressPolicy {
  readonly allowLoopback: boolean;
  /** Name resolution, replaceable in tests; `dns.lookup` with every address by default. */
  readonly resolve?: (hostname: string) => Promise<LookupAddress[]>;
}

export const CLOUD_EGRESS: EgressPolicy = { allowLoopback: false };
export const LOCAL_EGRESS: EgressPolicy = { allowLoopback: true };

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

export function isAddressAllowed(address: string, policy: EgressPolicy): boolean {
  const kind = classifyAddress(address);
  return kind === 'public' || (kind === 'loopback' && policy.allowLoopback);
}

/** A connection auto-vid refused to make; retrying cannot help. */
export class EgressBlockedError extends Error {
  override readonly name = 'EgressBlockedError';
}

function refusal(host: string, address: string): EgressBlockedError {
  const kind = classifyAddress(address);
  const shown = host === address ? address : `${host} (${address})`;
  return new EgressBlockedError(`${shown} is a ${kind} address; only public addresses are allowed`);
}

type LookupCallback = (error: Error | null, address: string | LookupAddress[], family?: number) => void;

/**
 * The lookup undici connects with: the name is resolved once, every answer is checked, and the
 * connection goes to those very addresses, so an answer that changes between check and connect
 * (DNS rebinding) cannot slip through.
 */
function guardedLookup(policy: EgressPolicy) {
  const resolve =
    policy.resolve ?? ((hostname: string) => dnsLookup(hostname, { all: true, verbatim: true }));
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    resolve(hostname).then(
      (addresses) => {
        const blocked = addresses.find((a) => !isAddressAllowed(a.address, policy));
        if (blocked) return callback(refusal(hostname, blocked.address), '');
        if (addresses.length === 0) return callback(new Error(`${hostname} has no address`), '');
        if (options.all) return callback(null, addresses);
        const [first] = addresses as [LookupAddress];
        callback(null, first.address, first.family);
      },
      (error: Error) => callback(error, ''),
    );
  };
}

const dispatchers = new WeakMap<EgressPolicy, Dispatcher>();

function dispatcherFor(policy: EgressPolicy): Dispatcher {
  let dispatcher = dispatchers.get(policy);
  if (!dispatcher) {
    dispatcher = new Agent({ connect: { lookup: guardedLookup(policy) as never } });
    dispatchers.set(policy, dispatcher);
  }
  return dispatcher;
}

/** Throws unless the URL is http(s) and, when its host is an address, an allowed one. */
export function checkUrl(url: URL, policy: EgressPolicy): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EgressBlockedError(`${url.protocol}// URLs are not allowed; use http:// or https://`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 && !isAddressAllowed(host, policy)) throw refusal(host, host);
}

/** Cause of a failed fetch when it was the guard's doing. */
export function findEgressBlock(error: unknown): EgressBlockedError | undefined {
  for (let current: unknown = error; current; current = (current as { cause?: unknown }).cause) {
    if (current instanceof EgressBlockedError) return current;
  }
  return undefined;
}

/**
 * fetch through the guard. Redirects are followed by hand (up to `maxRedirects`), each hop checked
 * like the first; with `maxRedirects: 0` a redirect is returned as it is.
 */
export async function guardedFetch(
  input: URL,
  init: Omit<RequestInit, 'redirect' | 'dispatcher'>,
  policy: EgressPolicy,
  maxRedirects = 5,
): Promise<Response> {
  let url = input;
  for (let hop = 0; ; hop++) {
    checkUrl(url, policy);
    const response = await fetch(url, { ...init, redirect: 'manual', dispatcher: dispatcherFor(policy) });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location || maxRedirects === 0) return response;
    await response.body?.cancel();
    if (hop >= maxRedirects) throw new EgressBlockedError(`More than ${maxRedirects} redirects`);
    url = new URL(location, url);
  }
}
