import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSRecord } from 'aws-lambda';
import { systemClock } from '../clock.ts';
import { webhookMessageSchema } from '../jobs/webhook-queue.ts';
import { type DeliveryDeps, deliverWebhook } from '../processor/webhook-delivery.ts';
import { readSettings } from '../settings.ts';
import { createConfiguredJobStore } from './job-table.ts';
import { wireOnFirstCall } from './lambda-entry.ts';
import { createLogger, toLog } from './logger.ts';
import type { SqsLambda } from './sqs-batch.ts';
import { createConfiguredSender, createConfiguredWebhookQueue } from './webhooks.ts';

const SERVICE = 'auto-vid-webhooks';

/**
 * The webhook queue's consumer: each record is one notification's turn. A record that is not a
 * notification is dropped with an error log; one whose turn throws (the table or the queue
 * unreachable) comes back through the queue's redrive.
 */
export function createDeliverWebhooksHandler(
  deps: DeliveryDeps,
  logger: Logger = createLogger(SERVICE),
): SqsLambda {
  const processor = new BatchProcessor(EventType.SQS);
  const handle = async (record: SQSRecord) => {
    const parsed = webhookMessageSchema.safeParse(parseJson(record.body));
    if (!parsed.success) {
      logger.error('Dropping a message that is not a webhook notification', { messageId: record.messageId });
      return;
    }
    logger.appendKeys({ jobId: parsed.data.notification.jobId, messageId: record.messageId });
    try {
      await deliverWebhook(parsed.data, deps);
    } finally {
      logger.removeKeys(['jobId', 'messageId']);
    }
  };
  return (event, context) =>
    processPartialResponse(event, handle, processor, { context, throwOnFullBatchFailure: false });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The delivery function, wired from its environment. */
export function wire(env: NodeJS.ProcessEnv): SqsLambda {
  const settings = readSettings(env);
  const logger = createLogger(SERVICE, env);
  return createDeliverWebhooksHandler(
    {
      sender: createConfiguredSender(settings),
      queue: createConfiguredWebhookQueue(settings, env),
      jobs: createConfiguredJobStore(settings, env),
      clock: systemClock,
      log: toLog(logger),
      delayScale: settings.webhookDelayScale,
    },
    logger,
  );
}

/** The Lambda entry point: delivers each queued webhook notification. */
export const handler: SqsLambda = wireOnFirstCall(wire);
