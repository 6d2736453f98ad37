import type { Context, SQSEvent } from 'aws-lambda';
import { createDynamoDocumentClient } from '../aws/clients.ts';
import { createDynamoJobStore } from '../jobs/dynamo-job-store.ts';
import type { JobStore } from '../jobs/job-store.ts';
import { createWebhookSender, type WebhookSender } from '../jobs/webhook-sender.ts';
import { CLOUD_EGRESS, LOCAL_EGRESS } from '../net/egress-guard.ts';
import { failDeadLetteredJob } from '../processor/dead-letter.ts';
import { readSettings, required } from '../settings.ts';
import { createLogger } from './logger.ts';
import { webhookSecretSource } from './process-jobs.ts';
import { sqsJobHandler } from './sqs-batch.ts';

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
      webhooks: createWebhookSender({
        secret: webhookSecretSource(settings),
        egress: settings.localMode ? LOCAL_EGRESS : CLOUD_EGRESS,
      }),
      limits: settings.limits,
    });
  }
  return wired(event, context);
};
