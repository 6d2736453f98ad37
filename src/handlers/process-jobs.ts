import type { Logger } from '@aws-lambda-powertools/logger';
import { createSqsClient } from '../aws/clients.ts';
import { createSqsChunkQueue } from '../jobs/chunk-queue.ts';
import { createScratchFiles } from '../jobs/scratch-files.ts';
import { egressFor } from '../net/egress-guard.ts';
import { type ProcessDeps, processJob } from '../processor/process-job.ts';
import { createRenderer } from '../processor/render-job.ts';
import { createSpeechSynthesizer } from '../processor/speech/create-speech-synthesizer.ts';
import { type MetricsSink, NO_METRICS_SINK, publishingMetrics } from './job-metrics.ts';
import { wireJobPorts } from './job-ports.ts';
import { wireOnFirstCall } from './lambda-entry.ts';
import { createLogger } from './logger.ts';
import { RedeliverError, type SqsLambda, sqsJobHandler } from './sqs-batch.ts';

const SERVICE = 'auto-vid-processor';

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

/** The Lambda entry point: one job per record (BatchSize 1), partial batch responses. */
export const handler: SqsLambda = wireOnFirstCall(wire);
