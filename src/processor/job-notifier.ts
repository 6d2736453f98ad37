import {
  type JobMessage,
  type JobRecord,
  readWebhookTarget,
  toJobView,
  type WebhookSizeLimits,
} from '@auto-vid/shared';
import { buildNotification, type WebhookQueue } from '../jobs/webhook-queue.ts';
import type { Log } from './log.ts';

export { buildWebhookId } from '../jobs/webhook-queue.ts';

/** Tells the job's owner how it ended: the processor and the dead-letter path share it. */
export interface JobNotifier {
  /**
   * Hands the final webhook, when the spec asked for one, to the webhook queue and returns: the
   * delivery function sends it. Its outcome never changes the job's.
   */
  notify(message: JobMessage, record: JobRecord): Promise<void>;
}

export function createJobNotifier(deps: {
  readonly queue: Pick<WebhookQueue, 'send'>;
  readonly limits: WebhookSizeLimits;
  readonly log: Log;
}): JobNotifier {
  return {
    async notify(message, record) {
      // The record keeps the webhook since jobs had owners; older jobs' is in their message.
      const target = record.webhook ?? readWebhookTarget(message.jobSpec, deps.limits);
      if (!target) return;
      const notification = buildNotification(toJobView(record), target);
      try {
        await deps.queue.send({ notification, attempts: 0 });
        deps.log('info', 'Webhook queued', { jobId: record.jobId, webhookId: notification.webhookId });
      } catch (error) {
        deps.log('error', 'Webhook could not be queued', {
          jobId: record.jobId,
          error: (error as Error).message,
        });
      }
    },
  };
}
