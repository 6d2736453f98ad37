import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Agent, buildConnector, type Dispatcher, fetch, type RequestInit, type Response } from 'undici';
import { classifyAddress } from './address-kind.ts';

/**
 * Where auto-vid may connect when it fetches an asset or sends a webhook. In the cloud only public
 * addresses: never loopback, private, link-local (169.254.0.0/16 holds the instance metadata
 * service), unique-local or otherwise reserved ones. On one machine loopback is allowed as well.
 */
export interface EgressPolicy {
  readonly allowLoopback: boolean;
  /**
   * Loopback ports that stay refused even where loopback is allowed: the local stack's own
   * services (its API, S3, DynamoDB and SQS), which a webhook or an asset URL must never reach.
   */
  readonly deniedLoopbackPorts?: ReadonlySet<number>;
  /** Name resolution, replaceable in tests; `dns.lookup` with every address by default. */
  readonly resolve?: (hostname: string) => Promise<LookupAddress[]>;
}

export const CLOUD_EGRESS: EgressPolicy = { allowLoopback: false };
export const LOCAL_EGRESS: EgressPolicy = { allowLoopback: true };

const stackPolicies = new Map<string, EgressPolicy>();

/**
 * The policy of where the code runs: one machine (local mode, minus the stack's own ports) or the
 * cloud. The same ports give the same policy object, and so one connection pool per process.
 */
export function egressFor(localMode: boolean, stackPorts: readonly number[] = []): EgressPolicy {
  if (!localMode) return CLOUD_EGRESS;
  if (stackPorts.length === 0) return LOCAL_EGRESS;
  const key = stackPorts.join(',');
  let policy = stackPolicies.get(key);
  if (!policy) {
    policy = { allowLoopback: true, deniedLoopbackPorts: new Set(stackPorts) };
    stackPolicies.set(key, policy);
  }
  return policy;
}

function isStackPort(address: string, port: number, policy: EgressPolicy): boolean {
  return policy.deniedLoopbackPorts?.has(port) === true && classifyAddress(address) === 'loopback';
}

function stackPortRefusal(address: string, port: number): EgressBlockedError {
  return new EgressBlockedError(
    `${address}:${port} is a service of this local stack; webhooks and assets may not target it`,
  );
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

/**
 * The connector checks the address each socket actually reached, so no name, redirect or address
 * spelling reaches a refused port.
 */
function guardedConnector(policy: EgressPolicy): buildConnector.connector {
  const connect = buildConnector({ lookup: guardedLookup(policy) as never });
  return (options, callback) =>
    connect(options, (...[error, socket]) => {
      const { remoteAddress, remotePort } = socket ?? {};
      if (error || !socket || remoteAddress === undefined || remotePort === undefined) {
        return (callback as (...args: unknown[]) => void)(error, socket);
      }
      if (isStackPort(remoteAddress, remotePort, policy)) {
        socket.destroy();
        return callback(stackPortRefusal(remoteAddress, remotePort), null);
      }
      callback(null, socket);
    });
}

function dispatcherFor(policy: EgressPolicy): Dispatcher {
  let dispatcher = dispatchers.get(policy);
  if (!dispatcher) {
    dispatcher = new Agent({ connect: guardedConnector(policy) });
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
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  if (isIP(host) !== 0 && isStackPort(host, port, policy)) throw stackPortRefusal(host, port);
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
