import type { Logger } from '@aws-lambda-powertools/logger';
import { systemClock } from '../clock.ts';
import { type DeadLetterDeps, failDeadLetteredJob } from '../processor/dead-letter.ts';
import { readSettings } from '../settings.ts';
import { createMetricsSink, type MetricsSink, NO_METRICS_SINK, publishingMetrics } from './job-metrics.ts';
import { createConfiguredJobStore } from './job-table.ts';
import { wireOnFirstCall } from './lambda-entry.ts';
import { createLogger, toLog } from './logger.ts';
import { type SqsLambda, sqsJobHandler } from './sqs-batch.ts';
import { createConfiguredNotifier } from './webhooks.ts';

const SERVICE = 'auto-vid-dead-letter';

/** `metrics` counts the jobs this path fails; published as each invocation ends. */
export function createDeadLetterHandler(
  deps: Omit<DeadLetterDeps, 'metrics'>,
  logger: Logger = createLogger(SERVICE),
  metrics: MetricsSink = NO_METRICS_SINK,
): SqsLambda {
  const handle = sqsJobHandler(logger, async (message) => {
    await failDeadLetteredJob(message, { ...deps, metrics });
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
