import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';
import { type Clock, systemClock } from '../clock.ts';
import { CLOUD_EGRESS, type EgressPolicy, findEgressBlock, guardedFetch } from '../net/egress-guard.ts';
import {
  backoffBefore,
  describeNetworkError,
  describeUrl,
  HTTP_RETRY_POLICY,
  isRetryableStatus,
  type RetryPolicy,
} from '../net/http-retry.ts';

export const WEBHOOK_USER_AGENT = 'auto-vid-webhook/1.0';

export interface WebhookRequest {
  readonly url: string;
  readonly method: 'POST' | 'PUT';
  /** The spec's own headers; ours (content type, user agent, signature) are set after them. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  /** Stable across retries and redeliveries, so receivers can drop duplicates. */
  readonly webhookId: string;
}

export type WebhookDelivery =
  | { readonly delivered: true; readonly attempts: number; readonly status: number }
  | {
      readonly delivered: false;
      readonly attempts: number;
      readonly reason: string;
      /** The receiver's answer (a 4xx such as 404) or the egress policy ends delivery for good. */
      readonly final: boolean;
    };

/** What one attempt met: the receiver's status or the error, and how long it took. */
export interface WebhookAttemptResult {
  readonly attempt: number;
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly delivered: boolean;
}

export interface SendOptions {
  readonly signal?: AbortSignal;
  /** Attempts in this call (the policy's by default), the same waits between them. */
  readonly attempts?: number;
  /** The number the first attempt of this call carries (1 unless earlier calls made some). */
  readonly firstAttempt?: number;
  /** Hears each attempt as it ends (the delivery log). */
  readonly onAttempt?: (result: WebhookAttemptResult) => Promise<void> | void;
}

export interface WebhookSender {
  send(request: WebhookRequest, options?: SendOptions): Promise<WebhookDelivery>;
}

export interface WebhookSenderOptions {
  /** Standard Webhooks secret (`whsec_<base64>`); without one, requests go unsigned. */
  readonly secret?: () => Promise<string | undefined>;
  readonly policy?: RetryPolicy;
  readonly wait?: (seconds: number) => Promise<void>;
  readonly clock?: Clock;
  /** Which addresses receivers may resolve to (public only unless given). */
  readonly egress?: EgressPolicy;
}

/** Header names the sender owns; a spec header of the same name (any case) is replaced. */
const OWN_HEADERS = ['content-type', 'user-agent', 'webhook-id', 'webhook-timestamp', 'webhook-signature'];

function describeFailure(error: unknown, timedOut: boolean, policy: RetryPolicy): string {
  if (timedOut) return `no answer within ${policy.timeoutMs / 1000} s`;
  return describeNetworkError(error);
}

/**
 * Delivery as the old contract has it (docs/compatibility.md): 3 attempts, 1 s and 2 s apart, 30 s each; 400/401/403/404/405/410/422 end it
 * at once. Bodies are signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`), the timestamp fresh on each attempt. Redirects are not followed.
 */
export function createWebhookSender(options: WebhookSenderOptions = {}): WebhookSender {
  const policy = options.policy ?? HTTP_RETRY_POLICY;
  const wait = options.wait ?? ((seconds: number) => sleep(seconds * 1000));
  const now = options.clock ?? systemClock;
  return {
    async send(request, sendOptions = {}) {
      const { signal } = sendOptions;
      const exchange = await prepareExchange(request, options);
      const attempts = sendOptions.attempts ?? policy.attempts;
      const first = sendOptions.firstAttempt ?? 1;
      let reason = 'not attempted';
      for (let k = 1; k <= attempts; k++) {
        const startedAt = now();
        const result = await attemptOnce(exchange, startedAt, policy, options.egress, signal);
        await sendOptions.onAttempt?.({
          attempt: first + k - 1,
          startedAt,
          durationMs: Math.max(0, now().getTime() - startedAt.getTime()),
          statusCode: result.status ?? null,
          error: result.delivered ? null : result.reason,
          delivered: result.delivered,
        });
        if (result.delivered) return { delivered: true, attempts: k, status: result.status as number };
        reason = result.reason;
        if (!result.retryable || k === attempts || signal?.aborted) {
          return { delivered: false, attempts: k, reason, final: !result.retryable };
        }
        await wait(backoffBefore(policy, first + k - 1));
      }
      return { delivered: false, attempts, reason, final: false };
    },
  };
}

/** What every attempt of one request shares: the payload, the signer, the spec's own headers. */
interface Exchange {
  readonly request: WebhookRequest;
  readonly payload: string;
  readonly signer: Webhook | undefined;
  readonly specHeaders: readonly [string, string][];
}

async function prepareExchange(request: WebhookRequest, options: WebhookSenderOptions): Promise<Exchange> {
  const secret = await options.secret?.();
  const own = new Set(OWN_HEADERS);
  return {
    request,
    payload: JSON.stringify(request.body),
    signer: secret ? new Webhook(secret.startsWith('whsec_') ? secret : `whsec_${secret}`) : undefined,
    specHeaders: Object.entries(request.headers).filter(([name]) => !own.has(name.toLowerCase())),
  };
}

type AttemptOutcome =
  | { readonly delivered: true; readonly status: number }
  | {
      readonly delivered: false;
      readonly status?: number;
      readonly reason: string;
      readonly retryable: boolean;
    };

/** One signed request (a fresh timestamp), its answer read and dropped; redirects not followed. */
async function attemptOnce(
  exchange: Exchange,
  sentAt: Date,
  policy: RetryPolicy,
  egress: EgressPolicy | undefined,
  signal: AbortSignal | undefined,
): Promise<AttemptOutcome> {
  const { request, payload, signer } = exchange;
  const headers: Record<string, string> = {
    ...Object.fromEntries(exchange.specHeaders),
    'Content-Type': 'application/json',
    'User-Agent': WEBHOOK_USER_AGENT,
    'webhook-id': request.webhookId,
    'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
    ...(signer ? { 'webhook-signature': signer.sign(request.webhookId, sentAt, payload) } : {}),
  };
  const timeout = AbortSignal.timeout(policy.timeoutMs);
  const where = describeUrl(new URL(request.url));
  try {
    const response = await guardedFetch(
      new URL(request.url),
      {
        method: request.method,
        headers,
        body: payload,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      },
      egress ?? CLOUD_EGRESS,
      0,
    );
    await response.body?.cancel();
    const status = response.status;
    if (status >= 200 && status < 300) return { delivered: true, status };
    // A redirect is not followed, so it is as final as a 4xx.
    return {
      delivered: false,
      status,
      reason: `HTTP ${status} from ${where}`,
      retryable: status >= 400 && isRetryableStatus(status),
    };
  } catch (error) {
    const blocked = findEgressBlock(error);
    if (blocked) return { delivered: false, reason: `${blocked.message} (${where})`, retryable: false };
    return {
      delivered: false,
      reason: `${describeFailure(error, timeout.aborted, policy)} (${where})`,
      retryable: true,
    };
  }
}
