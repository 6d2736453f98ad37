import { rm } from 'node:fs/promises';
import {
  formatSpecProblems,
  type JobMessage,
  type JobOutput,
  type JobSpec,
  validateJobSpec,
  type WebhookSizeLimits,
} from '@auto-vid/shared';
import type { Clock } from '../clock.ts';
import type { JobStore } from '../jobs/job-store.ts';
import type { OutputStore } from '../jobs/output-store.ts';
import { checkDeploymentRules } from '../policy/deployment-rules.ts';
import type { AttemptLimits } from './attempt.ts';
import type { JobNotifier } from './job-notifier.ts';
import { chooseDestination, describeOutput, storeOutput } from './job-output.ts';
import {
  type ClaimedJob,
  failJob,
  type ProcessOutcome,
  recordCompletion,
  settleFailure,
} from './job-settlement.ts';
import type { Log } from './log.ts';
import type { Renderer } from './render-job.ts';
import { makeTempFolder } from './temp-folders.ts';

export type { ProcessOutcome } from './job-settlement.ts';

/** What a processor deployment is set up with. */
export interface ProcessConfig {
  /** The stack's bucket: default output location `s3://<bucket>/outputs/`. */
  readonly bucket: string;
  /** Buckets a spec's destination may name. */
  readonly outputBuckets: readonly string[];
  readonly presignSeconds: number;
  readonly limits: WebhookSizeLimits;
  /** File-path sources and folder destinations are allowed only here (CLI and local stack). */
  readonly localMode: boolean;
  /** How long a claim holds before a redelivered message may take the job over. */
  readonly leaseMs: number;
  /** Least time between two progress writes to the table. */
  readonly progressIntervalMs: number;
  /** Parent folder of the per-job output folders (the system's temp folder by default). */
  readonly tempRoot?: string;
}

export interface ProcessDeps {
  readonly jobs: JobStore;
  readonly outputs: OutputStore;
  readonly notifier: JobNotifier;
  readonly render: Renderer;
  readonly config: ProcessConfig;
  readonly clock: Clock;
  readonly log: Log;
}

/** What bounds one delivery: the host's stop, and the Lambda's remaining time minus a margin. */
export type Delivery = AttemptLimits;

/**
 * The job use-case: claim → check the spec and this deployment's rules → render with progress →
 * store and presign → record the completion, or settle the failure.
 */
export async function processJob(
  message: JobMessage,
  deps: ProcessDeps,
  delivery: Delivery = {},
): Promise<ProcessOutcome> {
  const claim = await claimJob(message, deps);
  if (!claim.claimed) return claim.outcome;
  const { job } = claim;
  const checked = checkSpec(message, deps.config);
  if (!checked.ok) return failJob(job, checked.reason, deps);
  try {
    const output = await renderAndStore(job, checked.spec, deps, delivery);
    return await recordCompletion(job, output, deps);
  } catch (error) {
    return settleFailure(job, error, deps);
  }
}

type Claim =
  | { readonly claimed: true; readonly job: ClaimedJob }
  | { readonly claimed: false; readonly outcome: ProcessOutcome };

/** Takes the job for this delivery; a job another delivery holds comes back later, a final one is done. */
async function claimJob(message: JobMessage, deps: ProcessDeps): Promise<Claim> {
  const { jobId } = message;
  const claimedAt = deps.clock();
  const claim = await deps.jobs.claim(jobId, claimedAt, new Date(claimedAt.getTime() + deps.config.leaseMs));
  if (claim.claimed) {
    const attempt = claim.record.attempts ?? 1;
    deps.log('info', 'Job claimed', { jobId, attempt });
    return { claimed: true, job: { message, attempt, claimedAt } };
  }
  const status = claim.record?.status;
  if (status === 'processing') {
    deps.log('info', 'Job is being processed by another delivery; leaving this one for later', { jobId });
    return { claimed: false, outcome: { action: 'retry', reason: 'job is being processed elsewhere' } };
  }
  deps.log('info', 'Nothing to do for this delivery', { jobId, status: status ?? 'unknown job' });
  return { claimed: false, outcome: { action: 'done', status: status ?? 'unknown' } };
}

/** The contract, then this deployment's rules: submit checked both, but a message may be older than a change. */
function checkSpec(
  message: JobMessage,
  config: ProcessConfig,
): { readonly ok: true; readonly spec: JobSpec } | { readonly ok: false; readonly reason: string } {
  const validation = validateJobSpec(message.jobSpec, config.limits);
  if (!validation.ok) return { ok: false, reason: validation.error.message };
  const refused = checkDeploymentRules(validation.spec, {
    localMode: config.localMode,
    outputBuckets: config.outputBuckets,
  });
  if (refused.length > 0) return { ok: false, reason: formatSpecProblems(refused) };
  return { ok: true, spec: validation.spec };
}

/** Renders into a temp folder (or the destination folder), uploads, presigns; the folder is always removed. */
async function renderAndStore(
  job: ClaimedJob,
  spec: JobSpec,
  deps: ProcessDeps,
  delivery: Delivery,
): Promise<JobOutput> {
  const work = await makeTempFolder('out', deps.config.tempRoot);
  try {
    const destination = chooseDestination(spec, deps.config);
    const result = await deps.render(spec, {
      outputDirectory: destination.kind === 'folder' ? destination.path : work,
      onProgress: progressRecorder(job, deps),
      signal: delivery.signal,
      deadlineAt: delivery.deadlineAt,
    });
    const stored =
      destination.kind === 's3'
        ? {
            ...destination,
            location: await storeOutput(deps.outputs, result.localPath, destination.location, delivery),
          }
        : destination;
    return await describeOutput(result, stored, deps.outputs, {
      seconds: deps.config.presignSeconds,
      now: deps.clock(),
    });
  } finally {
    await rm(work, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
  }
}

/** Writes progress to the table at most once per interval; a failed write never stops the render. */
function progressRecorder(job: ClaimedJob, deps: ProcessDeps): (percent: number) => void {
  const { jobId } = job.message;
  let lastWrite = 0;
  return (percent) => {
    const at = Date.now();
    if (percent <= 0 || percent >= 100 || at - lastWrite < deps.config.progressIntervalMs) return;
    lastWrite = at;
    deps.jobs
      .reportProgress(jobId, job.attempt, percent, deps.clock())
      .catch((error: unknown) =>
        deps.log('warn', 'Progress update failed', { jobId, error: (error as Error).message }),
      );
  };
}
