import {
  type JobMessage,
  type JobRecord,
  readWebhookTarget,
  toJobView,
  type WebhookSizeLimits,
} from '@auto-vid/shared';
import type { WebhookSender } from '../jobs/webhook-sender.ts';
import type { Log } from './log.ts';

/** Tells the job's owner how it ended: the processor and the dead-letter path share it. */
export interface JobNotifier {
  /** Sends the final webhook when the spec asked for one; its outcome never changes the job's. */
  notify(message: JobMessage, record: JobRecord): Promise<void>;
}

/** The webhook id of a job's final state: the same on every retry of the same notification. */
export function buildWebhookId(jobId: string, status: string): string {
  return `msg_${jobId}_${status}`;
}

export function createJobNotifier(deps: {
  readonly webhooks: WebhookSender;
  readonly limits: WebhookSizeLimits;
  readonly log: Log;
}): JobNotifier {
  return {
    async notify(message, record) {
      const target = readWebhookTarget(message.jobSpec, deps.limits);
      if (!target) return;
      const delivery = await deps.webhooks.send({
        url: target.url,
        method: target.method,
        headers: target.headers ?? {},
        body: { ...toJobView(record), metadata: target.metadata ?? {} },
        webhookId: buildWebhookId(record.jobId, record.status),
      });
      if (delivery.delivered) {
        deps.log('info', 'Webhook delivered', {
          jobId: record.jobId,
          attempts: delivery.attempts,
          status: delivery.status,
        });
      } else {
        deps.log('warn', 'Webhook not delivered', {
          jobId: record.jobId,
          attempts: delivery.attempts,
          reason: delivery.reason,
        });
      }
    },
  };
}
