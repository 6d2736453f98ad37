import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';

/** A job's final notification, ready to send: where, how, and the signed body's content. */
export const webhookNotificationSchema = z.object({
  jobId: z.string(),
  /** The same on every attempt and redelivery of this notification (`msg_<jobId>_<status>`). */
  webhookId: z.string(),
  url: z.string(),
  method: z.enum(['POST', 'PUT']),
  headers: z.record(z.string(), z.string()),
  body: z.unknown(),
});
export type WebhookNotification = z.infer<typeof webhookNotificationSchema>;

/** The webhook queue's message: a notification and how far its delivery got. */
export const webhookMessageSchema = z.object({
  notification: webhookNotificationSchema,
  /** Attempts already made. */
  attempts: z.number().int().min(0),
  /** When the first attempt began (ISO 8601): the retry window is counted from it. */
  firstAttemptAt: z.string().optional(),
  /** Epoch ms before which the next attempt must not start (delays longer than SQS's 15 minutes). */
  notBefore: z.number().int().optional(),
});
export type WebhookMessage = z.infer<typeof webhookMessageSchema>;

/** Where notifications wait for delivery: sent now or after a delay, or set aside for good. */
export interface WebhookQueue {
  send(message: WebhookMessage, delaySeconds?: number): Promise<void>;
  /** A notification whose retries ran out: kept on the dead-letter queue with the last reason. */
  deadLetter(message: WebhookMessage, reason: string): Promise<void>;
}

/** SQS's longest message delay. */
export const MAX_SQS_DELAY_SECONDS = 900;

/**
 * The webhook queue and its dead-letter queue in SQS. A delay is rounded to the millisecond and
 * capped at SQS's 15 minutes (whole seconds on AWS, where the scale is 1; the local queue honours
 * fractions, which the shortened delays of `--webhook-delay-scale` need).
 */
export function createSqsWebhookQueue(
  client: SQSClient,
  queueUrl: string,
  /** Only the delivery function sets notifications aside; the others have no dead-letter queue. */
  deadLetterUrl?: string,
): WebhookQueue {
  return {
    async send(message, delaySeconds = 0) {
      const delay = Math.min(MAX_SQS_DELAY_SECONDS, Math.round(Math.max(0, delaySeconds) * 1000) / 1000);
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify(message),
          ...(delay > 0 ? { DelaySeconds: delay } : {}),
        }),
      );
    },
    async deadLetter(message, reason) {
      if (!deadLetterUrl) throw new Error('No webhook dead-letter queue is configured (SQS_WEBHOOK_DLQ_URL)');
      await client.send(
        new SendMessageCommand({
          QueueUrl: deadLetterUrl,
          MessageBody: JSON.stringify({ ...message, reason }),
        }),
      );
    },
  };
}

/** The webhook id of a job's final state: the same on every attempt and redelivery of it. */
export function buildWebhookId(jobId: string, status: string): string {
  return `msg_${jobId}_${status}`;
}

/** Where a job's webhook goes and what it carries besides the view. */
export interface WebhookTargetLike {
  readonly url: string;
  readonly method: 'POST' | 'PUT';
  readonly headers?: Readonly<Record<string, string>>;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** The notification of a job's final state: its view with the spec's metadata, to the spec's URL. */
export function buildNotification(
  view: { readonly jobId: string; readonly status: string },
  target: WebhookTargetLike,
): WebhookNotification {
  return {
    jobId: view.jobId,
    webhookId: buildWebhookId(view.jobId, view.status),
    url: target.url,
    method: target.method,
    headers: { ...(target.headers ?? {}) },
    body: { ...view, metadata: target.metadata ?? {} },
  };
}
