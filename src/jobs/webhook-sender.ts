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
  | { readonly delivered: false; readonly attempts: number; readonly reason: string };

export interface WebhookSender {
  send(request: WebhookRequest, signal?: AbortSignal): Promise<WebhookDelivery>;
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
    async send(request, signal) {
      const payload = JSON.stringify(request.body);
      const secret = await options.secret?.();
      const signer = secret
        ? new Webhook(secret.startsWith('whsec_') ? secret : `whsec_${secret}`)
        : undefined;
      const own = new Set(OWN_HEADERS);
      const specHeaders = Object.entries(request.headers).filter(([name]) => !own.has(name.toLowerCase()));
      let reason = 'not attempted';
      for (let attempt = 1; attempt <= policy.attempts; attempt++) {
        const sentAt = now();
        const headers: Record<string, string> = {
          ...Object.fromEntries(specHeaders),
          'Content-Type': 'application/json',
          'User-Agent': WEBHOOK_USER_AGENT,
          'webhook-id': request.webhookId,
          'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
          ...(signer ? { 'webhook-signature': signer.sign(request.webhookId, sentAt, payload) } : {}),
        };
        const timeout = AbortSignal.timeout(policy.timeoutMs);
        const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
        let retryable = true;
        try {
          const response = await guardedFetch(
            new URL(request.url),
            { method: request.method, headers, body: payload, signal: combined },
            options.egress ?? CLOUD_EGRESS,
            0,
          );
          await response.body?.cancel();
          if (response.status >= 200 && response.status < 300) {
            return { delivered: true, attempts: attempt, status: response.status };
          }
          reason = `HTTP ${response.status} from ${describeUrl(new URL(request.url))}`;
          // A redirect is not followed, so it is as final as a 4xx.
          retryable = response.status >= 400 && isRetryableStatus(response.status);
        } catch (error) {
          const blocked = findEgressBlock(error);
          if (blocked) retryable = false;
          reason = blocked
            ? `${blocked.message} (${describeUrl(new URL(request.url))})`
            : `${describeFailure(error, timeout.aborted, policy)} (${describeUrl(new URL(request.url))})`;
        }
        if (!retryable || attempt === policy.attempts || signal?.aborted) {
          return { delivered: false, attempts: attempt, reason };
        }
        await wait(backoffBefore(policy, attempt));
      }
      return { delivered: false, attempts: policy.attempts, reason };
    },
  };
}
