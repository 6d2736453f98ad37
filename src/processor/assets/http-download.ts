import { createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLOUD_EGRESS, type EgressPolicy, findEgressBlock, guardedFetch } from '../../net/egress-guard.ts';

/** PARITY §5: these answers are final; 408, 429 and 5xx are retried, as are network errors. */
const FINAL_STATUSES = new Set([400, 401, 403, 404, 405, 410, 422]);

export interface RetryPolicy {
  readonly attempts: number;
  /** Seconds to wait before each retry: 1, 2, 4 … */
  readonly backoffSeconds: readonly number[];
  readonly timeoutMs: number;
}

export const HTTP_RETRY_POLICY: RetryPolicy = { attempts: 3, backoffSeconds: [1, 2, 4], timeoutMs: 30_000 };

export type DownloadOutcome = { ok: true } | { ok: false; reason: string; retryable: boolean };

export function isRetryableStatus(status: number): boolean {
  if (FINAL_STATUSES.has(status)) return false;
  return status === 408 || status === 429 || status >= 500 || status < 400;
}

/** The URL without its query string and credentials, for messages and logs. */
export function describeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** Largest asset fetched over HTTP by default: the processor has 10 GB of /tmp for all of a job. */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 4 * 1024 ** 3;

class TooLargeError extends Error {}

/** Passes bytes through until more than `maxBytes` went by. */
function byteLimit(maxBytes: number) {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      callback(seen > maxBytes ? new TooLargeError() : null, chunk);
    },
  });
}

export interface DownloadOptions {
  readonly policy?: RetryPolicy;
  readonly egress?: EgressPolicy;
  readonly maxBytes?: number;
  readonly signal?: AbortSignal;
  readonly wait?: (seconds: number) => Promise<void>;
}

async function downloadOnce(url: URL, target: string, options: DownloadOptions): Promise<DownloadOutcome> {
  const policy = options.policy ?? HTTP_RETRY_POLICY;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
  const { signal } = options;
  const timeout = AbortSignal.timeout(policy.timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  const tooLarge = { ok: false, reason: `larger than the ${maxBytes} byte limit`, retryable: false } as const;
  try {
    const response = await guardedFetch(url, { signal: combined }, options.egress ?? CLOUD_EGRESS);
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      return { ok: false, reason: `HTTP ${response.status}`, retryable: isRetryableStatus(response.status) };
    }
    if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
      await response.body.cancel();
      return tooLarge;
    }
    await pipeline(
      Readable.fromWeb(response.body as ReadableStream<Uint8Array>),
      byteLimit(maxBytes),
      createWriteStream(target),
      { signal: combined },
    );
    return { ok: true };
  } catch (error) {
    if (error instanceof TooLargeError) return tooLarge;
    const blocked = findEgressBlock(error);
    if (blocked) return { ok: false, reason: blocked.message, retryable: false };
    if (signal?.aborted) return { ok: false, reason: 'aborted', retryable: true };
    const reason = timeout.aborted
      ? `no complete answer within ${policy.timeoutMs / 1000} s`
      : describeNetworkError(error);
    return { ok: false, reason, retryable: true };
  }
}

/** The most telling part of a failed fetch: the socket's error code when there is one. */
export function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

/** Downloads `url` to `target`, retrying per the policy. Resolves with the last outcome. */
export async function downloadWithRetry(
  url: URL,
  target: string,
  options: DownloadOptions = {},
): Promise<DownloadOutcome> {
  const policy = options.policy ?? HTTP_RETRY_POLICY;
  const wait = options.wait ?? ((seconds: number) => sleep(seconds * 1000));
  let outcome: DownloadOutcome = { ok: false, reason: 'not attempted', retryable: true };
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    outcome = await downloadOnce(url, target, options);
    if (outcome.ok || !outcome.retryable || attempt === policy.attempts || options.signal?.aborted)
      return outcome;
    await wait(policy.backoffSeconds[attempt - 1] ?? policy.backoffSeconds.at(-1) ?? 1);
  }
  return outcome;
}
