import { createS3Client } from '../aws/clients.ts';
import { systemClock } from '../clock.ts';
import type { ProcessDeps } from '../processor/process-job.ts';
import { sweepDeadRuns } from '../processor/temp-folders.ts';
import { readSettings, required } from '../settings.ts';
import { createMetricsSink } from './job-metrics.ts';
import { createConfiguredJobStore } from './job-table.ts';
import { createLogger, toLog } from './logger.ts';
import { createConfiguredOutputStore } from './output-bucket.ts';
import { createConfiguredNotifier } from './webhooks.ts';

/** Longest a Lambda runs (900 s): a claim older than this belongs to a dead attempt. */
export const PROCESSOR_LEASE_MS = 900_000;
/** Least time between two progress writes: enough for a live bar, few table writes. */
const PROGRESS_INTERVAL_MS = 2_000;

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
