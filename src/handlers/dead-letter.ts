import { jobMessageSchema } from '@auto-vid/shared';
import type { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { systemClock } from '../clock.ts';
import { chunkMessageSchema } from '../jobs/chunk-queue.ts';
import { type DeadLetterDeps, failDeadLetteredJob } from '../processor/dead-letter.ts';
import { readSettings } from '../settings.ts';
import { createMetricsSink, type MetricsSink, NO_METRICS_SINK, publishingMetrics } from './job-metrics.ts';
import { createConfiguredJobStore } from './job-table.ts';
import { wireOnFirstCall } from './lambda-entry.ts';
import { createLogger, toLog } from './logger.ts';
import { type SqsLambda, sqsMessageHandler } from './sqs-batch.ts';
import { createConfiguredNotifier } from './webhooks.ts';

const SERVICE = 'auto-vid-dead-letter';

/** A job's message (the jobs queue's DLQ) or a chunk's (the chunk queue's). */
const deadLetterSchema = z.union([chunkMessageSchema, jobMessageSchema]);

/** `metrics` counts the jobs this path fails; published as each invocation ends. */
export function createDeadLetterHandler(
  deps: Omit<DeadLetterDeps, 'metrics'>,
  logger: Logger = createLogger(SERVICE),
  metrics: MetricsSink = NO_METRICS_SINK,
): SqsLambda {
  const handle = sqsMessageHandler(logger, deadLetterSchema, async (message) => {
    // A chunk's message (from the chunk queue's dead-letter queue) fails only the attempt it was of.
    const chunk = 'index' in message ? message : undefined;
    const job = {
      jobId: message.jobId,
      jobSpec: 'jobSpec' in message ? message.jobSpec : undefined,
      submittedAt: message.submittedAt,
    };
    await failDeadLetteredJob(job, { ...deps, metrics }, chunk);
  });
  return publishingMetrics(handle, metrics);
}

/** The dead-letter queue's consumer, wired from a function's environment. */
export function wire(env: NodeJS.ProcessEnv): SqsLambda {
  const settings = readSettings(env);
  const logger = createLogger(SERVICE, env);
  const log = toLog(logger);
  return createDeadLetterHandler(
    {
      jobs: createConfiguredJobStore(settings, env),
      notifier: createConfiguredNotifier(settings, env, log),
      clock: systemClock,
      log,
    },
    logger,
    createMetricsSink({ serviceName: SERVICE, localMode: settings.localMode, env, log }),
  );
}

/** The Lambda entry point: ends each dead-lettered job `failed` with its failure webhook. */
export const handler: SqsLambda = wireOnFirstCall(wire);
