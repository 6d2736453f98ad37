import type { Logger } from '@aws-lambda-powertools/logger';
import { type ChunkMessage, chunkMessageSchema } from '../jobs/chunk-queue.ts';
import { createScratchFiles } from '../jobs/scratch-files.ts';
import type { ChunkDeps } from '../processor/chunks/chunk-deps.ts';
import { encodeChunk } from '../processor/chunks/encode-chunk.ts';
import { type MetricsSink, NO_METRICS_SINK, publishingMetrics } from './job-metrics.ts';
import { wireJobPorts } from './job-ports.ts';
import { wireOnFirstCall } from './lambda-entry.ts';
import { createLogger } from './logger.ts';
import type { ProcessorHost } from './process-jobs.ts';
import { RedeliverError, type SqsLambda, sqsMessageHandler } from './sqs-batch.ts';

const SERVICE = 'auto-vid-chunk-encoder';

/** One chunk per record (BatchSize 1); a fault that may pass leaves the record to come back. */
export function createEncodeChunksHandler(
  deps: Omit<ChunkDeps, 'metrics'>,
  host: ProcessorHost,
  logger: Logger = createLogger(SERVICE),
  metrics: MetricsSink = NO_METRICS_SINK,
): SqsLambda {
  const handle = sqsMessageHandler(
    logger,
    chunkMessageSchema,
    async (chunk: ChunkMessage, _record, context) => {
      logger.appendKeys({ chunk: chunk.index });
      const outcome = await encodeChunk(
        chunk,
        { ...deps, metrics },
        {
          signal: host.stopSignal,
          deadlineAt: Date.now() + context.getRemainingTimeInMillis() - host.deadlineMarginMs,
        },
      ).finally(() => logger.removeKeys(['chunk']));
      if (outcome.action === 'retry')
        throw new RedeliverError(
          `Chunk ${chunk.index} of job ${chunk.jobId} comes back later: ${outcome.reason}`,
        );
    },
  );
  return publishingMetrics(handle, metrics);
}

/** The chunk encoder wired from its function's environment, as the processor is. */
export function wire(env: NodeJS.ProcessEnv, options: { stopSignal?: AbortSignal } = {}): SqsLambda {
  const { settings, logger, s3, metrics, ports } = wireJobPorts(SERVICE, env);
  const deps: Omit<ChunkDeps, 'metrics'> = {
    ...ports,
    scratch: createScratchFiles(s3, ports.outputs, ports.config.bucket),
    ...(settings.fontsDirectory ? { fontsDirectory: settings.fontsDirectory } : {}),
  };
  return createEncodeChunksHandler(
    deps,
    { deadlineMarginMs: settings.deadlineMarginMs, stopSignal: options.stopSignal },
    logger,
    metrics,
  );
}

/** The Lambda entry point. */
export const handler: SqsLambda = wireOnFirstCall(wire);
