import type { Context, SQSEvent } from 'aws-lambda';
import { createDynamoDocumentClient, createS3Client } from '../aws/clients.ts';
import { createDynamoJobStore } from '../jobs/dynamo-job-store.ts';
import { createS3OutputStore } from '../jobs/output-store.ts';
import { type ProcessDeps, processJob } from '../processor/process-job.ts';
import { renderJob } from '../processor/render-job.ts';
import { createEspeakSynthesizer } from '../processor/speech/espeak.ts';
import { createPollySynthesizer } from '../processor/speech/polly.ts';
import { createS3SpeechCache, withSpeechCache } from '../processor/speech/speech-cache.ts';
import { readSettings, required } from '../settings.ts';
import { createLogger } from './logger.ts';
import { RedeliverError, sqsJobHandler } from './sqs-batch.ts';
import { createConfiguredWebhookSender } from './webhooks.ts';

const logger = createLogger('auto-vid-processor');

/** Longest a Lambda runs (900 s): a claim older than this belongs to a dead attempt. */
export const PROCESSOR_LEASE_MS = 900_000;

export function createProcessJobsHandler(
  deps: Omit<ProcessDeps, 'deadlineAt' | 'log'> & { deadlineMarginMs: number },
) {
  return sqsJobHandler(logger, async (message, _record, context) => {
    const outcome = await processJob(message, {
      ...deps,
      deadlineAt: Date.now() + context.getRemainingTimeInMillis() - deps.deadlineMarginMs,
      log: (level, text, fields) => logger[level](text, fields ?? {}),
    });
    if (outcome.action === 'retry')
      throw new RedeliverError(`Job ${message.jobId} comes back later: ${outcome.reason}`);
  });
}

/** The processor's ports from the environment: AWS adapters, or the local stand-ins' endpoints. */
export function wireProcessorFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const settings = readSettings(env);
  const bucket = required(settings.bucket, 'S3_BUCKET_NAME');
  const s3 = createS3Client(env);
  const speech =
    settings.speechEngine === 'espeak'
      ? createEspeakSynthesizer()
      : withSpeechCache(createPollySynthesizer(), createS3SpeechCache(s3, bucket), {
          onCacheError: (operation, key, error) =>
            logger.warn('Speech cache fault; synthesising instead', {
              operation,
              key,
              error: (error as Error).message,
            }),
        });
  return {
    settings,
    deps: {
      jobs: createDynamoJobStore(
        createDynamoDocumentClient(env),
        required(settings.jobsTable, 'DYNAMODB_JOBS_TABLE'),
      ),
      outputs: createS3OutputStore(s3),
      webhooks: createConfiguredWebhookSender(settings),
      render: renderJob,
      speech,
      s3,
      bucket,
      outputBuckets: settings.outputBuckets,
      maxAssetBytes: settings.maxAssetBytes,
      presignSeconds: settings.presignSeconds,
      limits: settings.limits,
      localMode: settings.localMode,
      leaseMs: PROCESSOR_LEASE_MS,
      deadlineMarginMs: settings.deadlineMarginMs,
    },
  };
}

let wired: ReturnType<typeof createProcessJobsHandler> | undefined;

/** SQS → one job per record (BatchSize 1), partial batch responses. */
export const handler = (event: SQSEvent, context: Context) => {
  wired ??= createProcessJobsHandler(wireProcessorFromEnv().deps);
  return wired(event, context);
};
