import type { Logger } from '@aws-lambda-powertools/logger';
import { createS3Client, createSqsClient } from '../aws/clients.ts';
import { systemClock } from '../clock.ts';
import { createSqsChunkQueue } from '../jobs/chunk-queue.ts';
import { createScratchFiles } from '../jobs/scratch-files.ts';
import { egressFor } from '../net/egress-guard.ts';
import { type ProcessDeps, processJob } from '../processor/process-job.ts';
import { createRenderer } from '../processor/render-job.ts';
import { createSpeechSynthesizer } from '../processor/speech/create-speech-synthesizer.ts';
import { sweepDeadRuns } from '../processor/temp-folders.ts';
import { readSettings, required } from '../settings.ts';
import { createMetricsSink, type MetricsSink, NO_METRICS_SINK, publishingMetrics } from './job-metrics.ts';
import { createConfiguredJobStore } from './job-table.ts';
import { wireOnFirstCall } from './lambda-entry.ts';
import { createLogger, toLog } from './logger.ts';
import { createConfiguredOutputStore } from './output-bucket.ts';
import { RedeliverError, type SqsLambda, sqsJobHandler } from './sqs-batch.ts';
import { createConfiguredNotifier } from './webhooks.ts';

const SERVICE = 'auto-vid-processor';

/** Longest a Lambda runs (900 s): a claim older than this belongs to a dead attempt. */
export const PROCESSOR_LEASE_MS = 900_000;
/** Least time between two progress writes: enough for a live bar, few table writes. */
const PROGRESS_INTERVAL_MS = 2_000;

export interface ProcessorHost {
  /** Kept back from the Lambda's remaining time to record the outcome after a cut render. */
  readonly deadlineMarginMs: number;
  /** The host stopping (the local stack's Ctrl-C): the render in progress is cut as a retryable fault. */
  readonly stopSignal?: AbortSignal;
}

/** `metrics` counts each job's attempt; what it stores is published as each invocation ends. */
export function createProcessJobsHandler(
  deps: Omit<ProcessDeps, 'metrics'>,
  host: ProcessorHost,
  logger: Logger = createLogger(SERVICE),
  metrics: MetricsSink = NO_METRICS_SINK,
): SqsLambda {
  const handle = sqsJobHandler(logger, async (message, _record, context) => {
    const outcome = await processJob(
      message,
      { ...deps, metrics },
      {
        signal: host.stopSignal,
        deadlineAt: Date.now() + context.getRemainingTimeInMillis() - host.deadlineMarginMs,
      },
    );
    if (outcome.action === 'retry')
      throw new RedeliverError(`Job ${message.jobId} comes back later: ${outcome.reason}`);
  });
  return publishingMetrics(handle, metrics);
}

/**
 * The processor wired from a function's environment: AWS adapters, or the local stand-ins' endpoints
 * when the environment names them. `stopSignal` is the local stack's.
 */
export function wire(env: NodeJS.ProcessEnv, options: { stopSignal?: AbortSignal } = {}): SqsLambda {
  const { settings, logger, log, s3, metrics, ports } = wireJobPorts(SERVICE, env);
  const speech = createSpeechSynthesizer({
    engine: settings.speechEngine,
    cache: { s3, bucket: ports.config.bucket },
    env,
    metrics,
    onCacheError: (operation, key, error) =>
      log('warn', 'Speech cache fault; synthesising instead', {
        operation,
        key,
        error: (error as Error).message,
      }),
  });
  const chunking = settings.chunking;
  const deps: Omit<ProcessDeps, 'metrics'> = {
    ...ports,
    render: createRenderer({
      speech,
      s3,
      localMode: settings.localMode,
      maxAssetBytes: settings.maxAssetBytes,
      egress: egressFor(settings.localMode, settings.stackPorts),
      mediaLimits: settings.mediaLimits,
      ...(settings.fontsDirectory ? { fontsDirectory: settings.fontsDirectory } : {}),
    }),
    ...(chunking
      ? {
          chunking: {
            thresholdSeconds: chunking.thresholdSeconds,
            chunkSeconds: chunking.chunkSeconds,
            queue: createSqsChunkQueue(createSqsClient(env), chunking.queueUrl),
            scratch: createScratchFiles(s3, ports.outputs, ports.config.bucket),
          },
        }
      : {}),
  };
  return createProcessJobsHandler(
    deps,
    { deadlineMarginMs: settings.deadlineMarginMs, stopSignal: options.stopSignal },
    logger,
    metrics,
  );
}

/**
 * What the processor and the chunk encoder share, from a function's environment: the table, the
 * bucket, the webhook queue and the job config, with the logger and the metrics sink. What a
 * killed run left in the temp folder goes at the first wiring (a Lambda sandbox whose process
 * crashed keeps /tmp; a dev server killed with -9 its temp folders); it never delays the start.
 */
export function wireJobPorts(service: string, env: NodeJS.ProcessEnv) {
  const settings = readSettings(env);
  const logger = createLogger(service, env);
  const log = toLog(logger);
  void sweepDeadRuns().then((removed) => {
    if (removed.length > 0) log('info', 'Removed what a stopped run left behind', { count: removed.length });
  });
  const bucket = required(settings.bucket, 'S3_BUCKET_NAME');
  const s3 = createS3Client(env);
  const metrics = createMetricsSink({ serviceName: service, localMode: settings.localMode, env, log });
  const ports: Omit<ProcessDeps, 'metrics' | 'render' | 'chunking'> = {
    jobs: createConfiguredJobStore(settings, env),
    outputs: createConfiguredOutputStore(settings, env, s3),
    notifier: createConfiguredNotifier(settings, env, log),
    config: {
      bucket,
      outputBuckets: settings.outputBuckets,
      presignSeconds: settings.presignSeconds,
      limits: settings.limits,
      localMode: settings.localMode,
      leaseMs: PROCESSOR_LEASE_MS,
      progressIntervalMs: PROGRESS_INTERVAL_MS,
      cancelCheckMs: settings.cancelCheckMs,
      ...(settings.publicApiUrl ? { apiBaseUrl: settings.publicApiUrl } : {}),
      ...(settings.cdnBaseUrl ? { cdnBaseUrl: settings.cdnBaseUrl } : {}),
    },
    clock: systemClock,
    log,
  };
  return { settings, logger, log, s3, metrics, ports };
}

/** The Lambda entry point: one job per record (BatchSize 1), partial batch responses. */
export const handler: SqsLambda = wireOnFirstCall(wire);
