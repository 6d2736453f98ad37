import { type JobMessage, type JobOutput, measureProcessingTime } from '@auto-vid/shared';
import type { Clock } from '../clock.ts';
import type { JobStore } from '../jobs/job-store.ts';
import { isPermanent } from './errors.ts';
import type { JobNotifier } from './job-notifier.ts';
import type { Log } from './log.ts';

/** A job this delivery holds: its message, the attempt number it claimed, and when. */
export interface ClaimedJob {
  readonly message: JobMessage;
  readonly attempt: number;
  readonly claimedAt: Date;
}

/**
 * What became of one message: `done` (delete it: completed, failed for good, or a duplicate of a
 * finished job) or `retry` (leave it to come back: a transient fault, or another worker holds it).
 */
export type ProcessOutcome =
  | { readonly action: 'done'; readonly status: string }
  | { readonly action: 'retry'; readonly reason: string };

export interface SettlementDeps {
  readonly jobs: JobStore;
  readonly notifier: JobNotifier;
  readonly clock: Clock;
  readonly log: Log;
}

/** `processing` → `completed` with the output, then the webhook; a job that changed hands is left alone. */
export async function recordCompletion(
  job: ClaimedJob,
  output: JobOutput,
  deps: SettlementDeps,
): Promise<ProcessOutcome> {
  const { jobId } = job.message;
  const finishedAt = deps.clock();
  const completed = await deps.jobs.complete(
    jobId,
    job.attempt,
    { output, processingTime: measureProcessingTime(job.claimedAt, finishedAt) },
    finishedAt,
  );
  if (!completed) {
    deps.log('warn', 'The job changed hands before it could be completed; dropping this result', {
      jobId,
      attempt: job.attempt,
    });
    return { action: 'done', status: 'superseded' };
  }
  deps.log('info', 'Job completed', {
    jobId,
    attempt: job.attempt,
    duration: output.duration,
    size: output.size,
  });
  await deps.notifier.notify(job.message, completed);
  return { action: 'done', status: 'completed' };
}

/** A permanent fault fails the job at once; anything else is recorded `retrying` and redelivered. */
export async function settleFailure(
  job: ClaimedJob,
  error: unknown,
  deps: SettlementDeps,
): Promise<ProcessOutcome> {
  const reason = (error instanceof Error ? error.message : String(error)).split('\n').join(' | ');
  if (isPermanent(error)) return failJob(job, reason, deps);
  deps.log('warn', 'Job hit a fault that may pass; the message will be redelivered', {
    jobId: job.message.jobId,
    attempt: job.attempt,
    error: reason,
  });
  await deps.jobs.markRetrying(job.message.jobId, job.attempt, reason, deps.clock());
  return { action: 'retry', reason };
}

/** `failed` with the reason and the failure webhook, once (a job already final is not announced again). */
export async function failJob(
  job: ClaimedJob,
  reason: string,
  deps: SettlementDeps,
): Promise<ProcessOutcome> {
  const failedAt = deps.clock();
  const failed = await deps.jobs.fail(job.message.jobId, reason, failedAt, {
    attempt: job.attempt,
    processingTime: measureProcessingTime(job.claimedAt, failedAt),
  });
  deps.log('error', 'Job failed', { jobId: job.message.jobId, attempt: job.attempt, error: reason });
  if (failed) await deps.notifier.notify(job.message, failed);
  return { action: 'done', status: 'failed' };
}
