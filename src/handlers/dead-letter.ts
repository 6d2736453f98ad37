import type { Context, SQSEvent } from 'aws-lambda';
import { createDynamoDocumentClient } from '../aws/clients.ts';
import { createDynamoJobStore } from '../jobs/dynamo-job-store.ts';
import type { JobStore } from '../jobs/job-store.ts';
import type { WebhookSender } from '../jobs/webhook-sender.ts';
import { failDeadLetteredJob } from '../processor/dead-letter.ts';
import { readSettings, required } from '../settings.ts';
import { createLogger } from './logger.ts';
import { sqsJobHandler } from './sqs-batch.ts';
import { createConfiguredWebhookSender } from './webhooks.ts';

const logger = createLogger('auto-vid-dead-letter');

export function createDeadLetterHandler(deps: {
  jobs: JobStore;
  webhooks: WebhookSender;
  limits: { maxHeadersSize: number; maxMetadataSize: number };
}) {
  return sqsJobHandler(logger, async (message) => {
    await failDeadLetteredJob(message, {
      ...deps,
      log: (level, text, fields) => logger[level](text, fields ?? {}),
    });
  });
}

let wired: ReturnType<typeof createDeadLetterHandler> | undefined;

/** The dead-letter queue's consumer: ends each job `failed` with its failure webhook. */
export const handler = (event: SQSEvent, context: Context) => {
  if (!wired) {
    const settings = readSettings();
    wired = createDeadLetterHandler({
      jobs: createDynamoJobStore(
        createDynamoDocumentClient(),
        required(settings.jobsTable, 'DYNAMODB_JOBS_TABLE'),
      ),
      webhooks: createConfiguredWebhookSender(settings),
      limits: settings.limits,
    });
  }
  return wired(event, context);
};
