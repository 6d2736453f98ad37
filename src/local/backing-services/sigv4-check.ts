import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Signature Version 4 as S3 checks it, for the embedded S3, which checks none: a presigned URL
 * (query parameters) or an SDK request (Authorization header) must be signed with the stack's key
 * for this method, path, query and these header values, and a presigned URL must not have expired.
 * So a URL signed for one key cannot write another, and a size or type signed into an upload URL
 * binds, as on AWS.
 */
export interface SignedRequest {
  readonly method: string;
  /** Path and query as sent, still percent-encoded. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

/** The error S3 answers with, by cause. */
export type SignatureError = 'AccessDenied' | 'InvalidAccessKeyId' | 'SignatureDoesNotMatch';

export type SignatureCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: SignatureError; readonly reason: string };

const refused = (code: SignatureError, reason: string): SignatureCheck => ({ ok: false, code, reason });

const ALGORITHM = 'AWS4-HMAC-SHA256';

/** RFC 3986 encoding, as SigV4 canonical query strings use it. */
function encode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

const hmac = (key: Buffer | string, text: string): Buffer => createHmac('sha256', key).update(text).digest();
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

interface Claim {
  readonly accessKeyId: string;
  readonly scope: string;
  readonly amzDate: string;
  readonly signedHeaders: string[];
  readonly signature: string;
  readonly payloadHash: string;
  readonly query: [string, string][];
  readonly expiresAt?: number;
}

/** The request's own statement of who signed what; undefined when it carries no SigV4 at all. */
function readClaim(
  request: SignedRequest,
  path: string,
  params: URLSearchParams,
): Claim | string | undefined {
  const query = [...params.entries()];
  if (params.has('X-Amz-Algorithm')) {
    const [accessKeyId, ...scope] = (params.get('X-Amz-Credential') ?? '').split('/');
    const amzDate = params.get('X-Amz-Date') ?? '';
    const expires = Number(params.get('X-Amz-Expires'));
    const issued = Date.parse(
      amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
    );
    if (
      params.get('X-Amz-Algorithm') !== ALGORITHM ||
      !accessKeyId ||
      !Number.isFinite(issued) ||
      !(expires > 0)
    ) {
      return `malformed presigned URL for ${path}`;
    }
    return {
      accessKeyId,
      scope: scope.join('/'),
      amzDate,
      signedHeaders: (params.get('X-Amz-SignedHeaders') ?? '').split(';'),
      signature: params.get('X-Amz-Signature') ?? '',
      payloadHash: params.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD',
      query: query.filter(([name]) => name !== 'X-Amz-Signature'),
      expiresAt: issued + expires * 1000,
    };
  }
  const authorization = request.headers.authorization;
  if (authorization === undefined) return undefined;
  const parts =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\S+), ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)$/.exec(
      authorization,
    );
  const amzDate = request.headers['x-amz-date'];
  const payloadHash = request.headers['x-amz-content-sha256'];
  if (!parts || typeof amzDate !== 'string' || typeof payloadHash !== 'string') {
    return `malformed Authorization header for ${path}`;
  }
  return {
    accessKeyId: parts[1] as string,
    scope: parts[2] as string,
    amzDate,
    signedHeaders: (parts[3] as string).split(';'),
    signature: parts[4] as string,
    payloadHash,
    query,
  };
}

/** Every parameter encoded, sorted by name and then by value, as SigV4 signs them. */
function canonicalQueryString(query: readonly [string, string][]): string {
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return query
    .map(([name, value]) => [encode(name), encode(value)] as const)
    .sort(([a, x], [b, y]) => compare(a, b) || compare(x, y))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  const text = Array.isArray(value) ? value.join(',') : (value ?? '');
  return text.trim().replace(/\s+/g, ' ');
}

/** Checks one request against the secret of its access key (`secretFor` returns undefined for unknown keys). */
export function checkSignature(
  request: SignedRequest,
  secretFor: (accessKeyId: string) => string | undefined,
  now: number = Date.now(),
): SignatureCheck {
  const url = new URL(request.url, 'http://local');
  const path = url.pathname;
  const claim = readClaim(request, path, url.searchParams);
  if (claim === undefined) return refused('AccessDenied', `unsigned request for ${path}`);
  if (typeof claim === 'string') return refused('AccessDenied', claim);
  const secret = secretFor(claim.accessKeyId);
  if (secret === undefined) return refused('InvalidAccessKeyId', `unknown access key ${claim.accessKeyId}`);
  if (claim.expiresAt !== undefined && now > claim.expiresAt)
    return refused('AccessDenied', `expired URL for ${path}`);
  const missing = claim.signedHeaders.find((name) => request.headers[name] === undefined);
  if (missing !== undefined || !claim.signedHeaders.includes('host')) {
    return refused('AccessDenied', `signed header ${missing ?? 'host'} missing for ${path}`);
  }
  const canonicalRequest = [
    request.method,
    path,
    canonicalQueryString(claim.query),
    ...claim.signedHeaders.map((name) => `${name}:${headerValue(request.headers, name)}`),
    '',
    claim.signedHeaders.join(';'),
    claim.payloadHash,
  ].join('\n');
  const [date = '', region = '', service = ''] = claim.scope.split('/');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  const stringToSign = [ALGORITHM, claim.amzDate, claim.scope, sha256(canonicalRequest)].join('\n');
  const expected = hmac(key, stringToSign);
  const given = Buffer.from(claim.signature, 'hex');
  const matches = given.length === expected.length && timingSafeEqual(given, expected);
  return matches
    ? { ok: true }
    : refused('SignatureDoesNotMatch', `signature does not match for ${request.method} ${path}`);
}
