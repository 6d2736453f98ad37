import { createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLOUD_EGRESS, type EgressPolicy, findEgressBlock, guardedFetch } from '../../net/egress-guard.ts';
import {
  backoffBefore,
  describeNetworkError,
  HTTP_RETRY_POLICY,
  isRetryableStatus,
  type RetryPolicy,
} from '../../net/http-retry.ts';
import { DEFAULT_MAX_DOWNLOAD_BYTES } from '../../policy/media-limits.ts';

export type DownloadOutcome = { ok: true } | { ok: false; reason: string; retryable: boolean };

class TooLargeError extends Error {}

/** Passes bytes through until more than `maxBytes` went by, telling `onBytes` of each chunk. */
function byteLimit(maxBytes: number, onBytes: () => void) {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      onBytes();
      callback(seen > maxBytes ? new TooLargeError() : null, chunk);
    },
  });
}

/**
 * Fires when nothing arrived for `ms`: a slow but steady download of a large file goes on (the
 * attempt's deadline bounds it), a stalled one stops.
 */
function idleTimeout(ms: number) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  return {
    signal: controller.signal,
    // Restarts the same timer: no new timer per chunk of a large download.
    touch: () => void timer.refresh(),
    stop: () => clearTimeout(timer),
  };
}

export interface DownloadOptions {
  readonly policy?: RetryPolicy;
  readonly egress?: EgressPolicy;
  readonly maxBytes?: number;
  /** The attempt: its deadline is the overall cap of a download, the idle timeout the other. */
  readonly signal?: AbortSignal;
  readonly wait?: (seconds: number) => Promise<void>;
}

async function downloadOnce(url: URL, target: string, options: DownloadOptions): Promise<DownloadOutcome> {
  const policy = options.policy ?? HTTP_RETRY_POLICY;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
  const { signal } = options;
  const idle = idleTimeout(policy.timeoutMs);
  const combined = signal ? AbortSignal.any([signal, idle.signal]) : idle.signal;
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
      byteLimit(maxBytes, idle.touch),
      createWriteStream(target),
      { signal: combined },
    );
    return { ok: true };
  } catch (error) {
    if (error instanceof TooLargeError) return tooLarge;
    const blocked = findEgressBlock(error);
    if (blocked) return { ok: false, reason: blocked.message, retryable: false };
    if (signal?.aborted) return { ok: false, reason: 'aborted', retryable: true };
    const reason = idle.signal.aborted
      ? `nothing received for ${policy.timeoutMs / 1000} s`
      : describeNetworkError(error);
    return { ok: false, reason, retryable: true };
  } finally {
    idle.stop();
  }
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
    await wait(backoffBefore(policy, attempt));
  }
  return outcome;
}
