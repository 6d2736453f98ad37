import type { Clock } from '../clock.ts';
import type { JobStore } from '../jobs/job-store.ts';
import type { WebhookMessage, WebhookQueue } from '../jobs/webhook-queue.ts';
import type { WebhookAttemptResult, WebhookSender } from '../jobs/webhook-sender.ts';
import type { Log } from './log.ts';

/** Attempts made in the first call, 1 s and 2 s apart: the old contract's delivery. */
export const FIRST_ATTEMPTS = 3;

/**
 * Seconds before each later attempt (the 4th, the 5th …), the last repeated, each a message delay:
 * the receiver gets 30 s, then minutes, then hours to come back.
 */
export const LATER_DELAYS_SECONDS = [30, 120, 300, 900, 1_800, 3_600, 7_200, 14_400, 28_800] as const;

/** No attempt starts later than this after the first; then the notification is dead-lettered. */
export const RETRY_WINDOW_SECONDS = 24 * 3_600;

export interface DeliveryDeps {
  readonly sender: WebhookSender;
  readonly queue: WebhookQueue;
  readonly jobs: Pick<JobStore, 'get' | 'recordDelivery'>;
  readonly clock: Clock;
  readonly log: Log;
  /** Multiplies every delay and the window (the local stack's `--webhook-delay-scale`); 1 on AWS. */
  readonly delayScale: number;
}

export type DeliveryOutcome =
  | 'delivered'
  | 'refused'
  | 'rescheduled'
  | 'dead-lettered'
  | 'waiting'
  | 'job-gone';

/**
 * One message of the webhook queue: not yet due, it goes back with the delay left; otherwise the
 * attempts of this turn (three on the first, one later), each written to the job's delivery log.
 * A receiver's final answer (a 4xx such as 404, or a refused address) ends delivery; any other
 * failure schedules the next attempt, until the window has passed: then the dead-letter queue.
 */
export async function deliverWebhook(message: WebhookMessage, deps: DeliveryDeps): Promise<DeliveryOutcome> {
  const { notification } = message;
  const now = deps.clock().getTime();
  if (message.notBefore !== undefined && message.notBefore > now) {
    await deps.queue.send(message, (message.notBefore - now) / 1000);
    return 'waiting';
  }
  if (!(await deps.jobs.get(notification.jobId))) {
    deps.log('info', 'Webhook dropped: its job was deleted', { jobId: notification.jobId });
    return 'job-gone';
  }
  const firstAttemptAt = message.firstAttemptAt ?? new Date(now).toISOString();
  const delivery = await deps.sender.send(notification, {
    attempts: message.attempts === 0 ? FIRST_ATTEMPTS : 1,
    firstAttempt: message.attempts + 1,
    onAttempt: (result) => recordAttempt(result, message, deps),
  });
  const made = message.attempts + delivery.attempts;
  const fields = { jobId: notification.jobId, webhookId: notification.webhookId, attempts: made };
  if (delivery.delivered) {
    deps.log('info', 'Webhook delivered', { ...fields, status: delivery.status });
    return 'delivered';
  }
  if (delivery.final) {
    deps.log('warn', 'Webhook refused for good', { ...fields, reason: delivery.reason });
    return 'refused';
  }
  return scheduleNext({ ...message, attempts: made, firstAttemptAt }, delivery.reason, deps);
}

/** The next attempt after its delay, or the dead-letter queue once it would fall past the window. */
async function scheduleNext(
  message: WebhookMessage,
  reason: string,
  deps: DeliveryDeps,
): Promise<DeliveryOutcome> {
  const { jobId, webhookId } = message.notification;
  const delay = laterDelaySeconds(message.attempts) * deps.delayScale;
  const now = deps.clock().getTime();
  const started = Date.parse(message.firstAttemptAt ?? new Date(now).toISOString());
  if (now + delay * 1000 - started > RETRY_WINDOW_SECONDS * deps.delayScale * 1000) {
    await deps.queue.deadLetter(message, reason);
    deps.log('error', 'Webhook not delivered within its retry window', {
      jobId,
      webhookId,
      attempts: message.attempts,
      reason,
    });
    return 'dead-lettered';
  }
  await deps.queue.send({ ...message, notBefore: Math.round(now + delay * 1000) }, delay);
  deps.log('warn', 'Webhook not delivered; trying again later', {
    jobId,
    webhookId,
    attempts: message.attempts,
    retryInSeconds: delay,
    reason,
  });
  return 'rescheduled';
}

/** Seconds before the attempt that follows `attemptsMade` attempts (4th onwards). */
function laterDelaySeconds(attemptsMade: number): number {
  const index = Math.max(0, attemptsMade - FIRST_ATTEMPTS);
  return LATER_DELAYS_SECONDS[Math.min(index, LATER_DELAYS_SECONDS.length - 1)] as number;
}

/** One attempt in the job's delivery log; a failed write is logged, never a reason to stop. */
async function recordAttempt(result: WebhookAttemptResult, message: WebhookMessage, deps: DeliveryDeps) {
  const { jobId, webhookId } = message.notification;
  try {
    await deps.jobs.recordDelivery(jobId, {
      webhookId,
      attempt: result.attempt,
      at: result.startedAt.toISOString(),
      statusCode: result.statusCode,
      error: result.error,
      durationMs: Math.round(result.durationMs),
      delivered: result.delivered,
    });
  } catch (error) {
    deps.log('warn', 'Delivery log write failed', { jobId, error: (error as Error).message });
  }
}
