import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { createIdempotentSubmit } from '../api/idempotent-submit.ts';
import { readBody } from '../api/responses.ts';
import { type SubmitDeps, submitJob } from '../api/submit-job.ts';
import { createDynamoClient, createDynamoDocumentClient, createSqsClient } from '../aws/clients.ts';
import { createDynamoJobStore } from '../jobs/dynamo-job-store.ts';
import { createSqsJobQueue } from '../jobs/job-queue.ts';
import { readSettings, required } from '../settings.ts';
import { apiHandler, headerValue } from './api-event.ts';
import { createLogger } from './logger.ts';

const logger = createLogger('auto-vid-submit');

export function createSubmitHandler(deps: Omit<SubmitDeps, 'log'> & { idempotency?: BasePersistenceLayer }) {
  const submit = (body: string | undefined) =>
    submitJob(body, {
      ...deps,
      log: (level, message, fields) => {
        if (typeof fields.jobId === 'string') logger.appendKeys({ jobId: fields.jobId });
        logger[level](message, fields);
      },
    });
  const keyed = deps.idempotency ? createIdempotentSubmit(submit, deps.idempotency) : undefined;
  return apiHandler(logger, (event) => {
    const key = headerValue(event, 'Idempotency-Key');
    const body = readBody(event);
    return keyed ? keyed(key, body) : submit(body);
  });
}

let wired: ReturnType<typeof createSubmitHandler> | undefined;

/** POST /submit. */
export const handler = (event: unknown) => {
  if (!wired) {
    const settings = readSettings();
    const idempotencyTable = settings.idempotencyTable;
    wired = createSubmitHandler({
      jobs: createDynamoJobStore(
        createDynamoDocumentClient(),
        required(settings.jobsTable, 'DYNAMODB_JOBS_TABLE'),
      ),
      queue: createSqsJobQueue(createSqsClient(), required(settings.queueUrl, 'SQS_JOB_QUEUE_URL')),
      limits: settings.limits,
      ttlSeconds: settings.jobTtlSeconds,
      rules: { localMode: settings.localMode, outputBuckets: settings.outputBuckets },
      ...(idempotencyTable
        ? {
            idempotency: new DynamoDBPersistenceLayer({
              tableName: idempotencyTable,
              awsSdkV3Client: createDynamoClient(),
            }),
          }
        : {}),
    });
  }
  return wired(event);
};
