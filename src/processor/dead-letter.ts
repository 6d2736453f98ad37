import type { JobMessage } from '@auto-vid/shared';
import type { Clock } from '../clock.ts';
import type { ChunkMessage } from '../jobs/chunk-queue.ts';
import type { JobStore } from '../jobs/job-store.ts';
import { guardMetrics, type JobMetrics, NO_JOB_METRICS } from './job-metrics.ts';
import type { JobNotifier } from './job-notifier.ts';
import type { Log } from './log.ts';

export interface DeadLetterDeps {
  readonly jobs: JobStore;
  readonly notifier: JobNotifier;
  readonly clock: Clock;
  readonly log: Log;
  /** Counts the jobs this path fails (`JobsFailed`, cause `dead-letter`); none when not given. */
  readonly metrics?: JobMetrics;
}

/**
 * A message that exhausted its receives: the job ends `failed` with the last fault it met and its
 * failure webhook, so nothing stays `retrying` forever. A job already final is left alone.
 */
export async function failDeadLetteredJob(
  message: JobMessage,
  deps: DeadLetterDeps,
  chunk?: Pick<ChunkMessage, 'attempt' | 'index' | 'total'>,
): Promise<'failed' | 'already-final'> {
  const current = await deps.jobs.get(message.jobId);
  const attempts = current?.attempts ?? 0;
  const lastFault = current?.error ? `: ${current.error}` : '';
  const reason = chunk
    ? `Chunk ${chunk.index + 1} of ${chunk.total} could not be encoded: it failed on every delivery`
    : `Processing failed after ${attempts} attempt${attempts === 1 ? '' : 's'}${lastFault}`;
  const failed = await deps.jobs.fail(
    message.jobId,
    reason,
    deps.clock(),
    chunk ? { attempt: chunk.attempt } : undefined,
  );
  if (!failed) {
    deps.log('info', 'Dead-lettered job was already final', {
      jobId: message.jobId,
      status: current?.status,
    });
    return 'already-final';
  }
  deps.log('error', 'Job failed: its message reached the dead-letter queue', {
    jobId: message.jobId,
    error: reason,
  });
  guardMetrics(deps.metrics ?? NO_JOB_METRICS, deps.log).failed('dead-letter');
  await deps.notifier.notify(message, failed);
  return 'failed';
}
