/**
 * How auto-vid retries an HTTP exchange with a third party (asset downloads and webhooks alike),
 * and how it describes one that failed. The old contract (docs/compatibility.md): 3 attempts, 1 s and 2 s apart, 30 s each;
 * 400/401/403/404/405/410/422 are final, 408, 429, 5xx and network errors are retried.
 */
export interface RetryPolicy {
  readonly attempts: number;
  /** Seconds to wait before each retry: 1, 2, 4 … */
  readonly backoffSeconds: readonly number[];
  /**
   * A webhook's whole exchange; for an asset download, the longest time without a byte (its total
   * time is bounded by the attempt's deadline instead, so a large file on a slow link can finish).
   */
  readonly timeoutMs: number;
}

export const HTTP_RETRY_POLICY: RetryPolicy = { attempts: 3, backoffSeconds: [1, 2, 4], timeoutMs: 30_000 };

const FINAL_STATUSES = new Set([400, 401, 403, 404, 405, 410, 422]);

export function isRetryableStatus(status: number): boolean {
  if (FINAL_STATUSES.has(status)) return false;
  return status === 408 || status === 429 || status >= 500 || status < 400;
}

/** Seconds to wait before retry number `retry` (1-based), the last step repeated past the list. */
export function backoffBefore(policy: RetryPolicy, retry: number): number {
  return policy.backoffSeconds[retry - 1] ?? policy.backoffSeconds.at(-1) ?? 1;
}

/** The URL without its query string and credentials, for messages and logs. */
export function describeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** The most telling part of a failed fetch: the socket's error code when there is one. */
export function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
