import { rm } from 'node:fs/promises';
import {
  formatSpecProblems,
  type JobMessage,
  type JobSpec,
  type StoredOutput,
  validateJobSpec,
  type WebhookSizeLimits,
} from '@auto-vid/shared';
import type { Clock } from '../clock.ts';
import { objectsWrittenBy, packageWrittenBy } from '../jobs/job-objects.ts';
import type { JobStore } from '../jobs/job-store.ts';
import type { OutputStore } from '../jobs/output-store.ts';
import { checkDeploymentRules } from '../policy/deployment-rules.ts';
import type { AttemptLimits } from './attempt.ts';
import { watchForCancel } from './cancel-watch.ts';
import { type ChunkingDeps, handOffChunks } from './chunks/hand-off.ts';
import { describeDeliverables, storeDeliverables } from './deliverables-output.ts';
import { type AttemptStep, classifyFailure } from './failure-cause.ts';
import {
  type FailureCause,
  guardMetrics,
  type JobMetrics,
  NO_JOB_METRICS,
  type RenderMeasures,
} from './job-metrics.ts';
import type { JobNotifier } from './job-notifier.ts';
import { chooseDestination, describeOutput, storeCaptions, storeOutput } from './job-output.ts';
import {
  type ClaimedJob,
  failJob,
  type ProcessOutcome,
  recordCompletion,
  settleFailure,
} from './job-settlement.ts';
import type { Log } from './log.ts';
import { measureLoudness } from './render/ffmpeg.ts';
import type { HandedOff, RenderChunking, Renderer, RenderResult } from './render-job.ts';
import { makeTempFolder } from './temp-folders.ts';

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
  /** How often a render reads its job to see whether a client cancelled it. */
  readonly cancelCheckMs?: number;
  /** Parent folder of the per-job output folders (the system's temp folder by default). */
  readonly tempRoot?: string;
  /** The API's base URL as clients call it: the HLS playback URL in the webhook is on it. */
  readonly apiBaseUrl?: string;
  /** The stack's public distribution in front of `bucket`'s outputs/, when it has one. */
  readonly cdnBaseUrl?: string;
}

export interface ProcessDeps {
  readonly jobs: JobStore;
  readonly outputs: OutputStore;
  readonly notifier: JobNotifier;
  readonly render: Renderer;
  readonly config: ProcessConfig;
  readonly clock: Clock;
  readonly log: Log;
  /** How attempts end, counted; nothing is counted when not given. */
  readonly metrics?: JobMetrics;
  /** Long re-encodes split into chunks for the chunk encoders; every job renders in one run without. */
  readonly chunking?: ChunkingDeps;
}

/** What bounds one delivery: the host's stop, and the Lambda's remaining time minus a margin. */
export type Delivery = AttemptLimits;

/**
 * The job use-case: claim → check the spec and this deployment's rules → render with progress →
 * store and presign → record the completion, or settle the failure. Each claimed attempt that
 * ends is counted once: completed, failed or retried, with the cause of a fault.
 */
export async function processJob(
  message: JobMessage,
  deps: ProcessDeps,
  delivery: Delivery = {},
): Promise<ProcessOutcome> {
  const claim = await claimJob(message, deps);
  if (!claim.claimed) return claim.outcome;
  const { job } = claim;
  const metrics = guardMetrics(deps.metrics ?? NO_JOB_METRICS, deps.log);
  const checked = checkSpec(message, deps.config);
  if (!checked.ok) return countFault(await failJob(job, checked.reason, deps), 'validation', metrics);
  const step: { current: AttemptStep } = { current: 'render' };
  const watch = watchForCancel(job, deps, deps.config.cancelCheckMs ?? DEFAULT_CANCEL_CHECK_MS);
  const watched = {
    ...delivery,
    signal: AbortSignal.any([watch.signal, ...(delivery.signal ? [delivery.signal] : [])]),
  };
  try {
    const stored = await renderAndStore(job, checked.spec, deps, watched, step);
    if ('handedOff' in stored) return { action: 'done', status: 'chunked' };
    step.current = 'record';
    return await completeStored(job, stored, deps, metrics);
  } catch (error) {
    if (watch.lostTo !== undefined) return stoppedForClient(job, watch.lostTo, deps);
    const outcome = await settleFailure(job, error, deps);
    return countFault(outcome, classifyFailure(error, step.current), metrics);
  } finally {
    watch.stop();
  }
}

/** How often a render reads its job for a cancel unless the config says otherwise, ms. */
export const DEFAULT_CANCEL_CHECK_MS = 2_000;

/** A render stopped because its job was cancelled (or taken or deleted): nothing to record or retry. */
function stoppedForClient(job: ClaimedJob, status: string, deps: ProcessDeps): ProcessOutcome {
  deps.log('info', 'Render stopped: the job was cancelled or changed hands', {
    jobId: job.message.jobId,
    status,
  });
  return { action: 'done', status: status === 'cancelled' ? 'cancelled' : 'superseded' };
}

/**
 * A cancel that came between the upload and the completion: the job is `cancelled`, so what this
 * attempt uploaded is removed (the versions it wrote). A job another attempt took keeps its objects.
 */
async function withdrawOutput(
  job: ClaimedJob,
  output: StoredOutput,
  deps: Pick<ProcessDeps, 'jobs' | 'outputs' | 'log'>,
): Promise<void> {
  const current = await deps.jobs.get(job.message.jobId);
  if (current && current.status !== 'cancelled') return;
  const hls = packageWrittenBy(output);
  if (hls) {
    await deps.outputs.removePrefix(hls.bucket, hls.prefix).catch((error: unknown) =>
      deps.log('warn', 'Could not remove the HLS package of a cancelled job', {
        s3Uri: hls.s3Uri,
        error: (error as Error).message,
      }),
    );
  }
  for (const object of objectsWrittenBy(output)) {
    await deps.outputs.remove(object.location).catch((error: unknown) =>
      deps.log('warn', 'Could not remove the output of a cancelled job', {
        s3Uri: object.s3Uri,
        error: (error as Error).message,
      }),
    );
  }
}

/** A settled fault is a failed job, or a retried one when its message comes back. */
function countFault(outcome: ProcessOutcome, cause: FailureCause, metrics: JobMetrics): ProcessOutcome {
  if (outcome.action === 'retry') metrics.retried(cause);
  else metrics.failed(cause);
  return outcome;
}

function measureRender(render: RenderResult): RenderMeasures {
  return {
    videoPath: render.copiedVideo ? 'copy' : 'encode',
    renderSeconds: render.renderSeconds,
    videoSeconds: render.duration,
  };
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
    stackBucket: config.bucket,
  });
  if (refused.length > 0) return { ok: false, reason: formatSpecProblems(refused) };
  return { ok: true, spec: validation.spec };
}

/**
 * Renders into a temp folder (or the destination folder), uploads, presigns; the folder is always
 * removed. `step.current` says which of the two a fault came from. A re-encode split into chunks
 * is handed to the chunk encoders instead: the last of them stores it.
 */
async function renderAndStore(
  job: ClaimedJob,
  spec: JobSpec,
  deps: ProcessDeps,
  delivery: Delivery,
  step: { current: AttemptStep },
): Promise<Stored | HandedOff> {
  const work = await makeTempFolder('out', deps.config.tempRoot);
  try {
    const destination = chooseDestination(spec, deps.config);
    const result = await deps.render(spec, {
      outputDirectory: destination.kind === 'folder' ? destination.path : work,
      onProgress: progressRecorder(job, deps),
      signal: delivery.signal,
      deadlineAt: delivery.deadlineAt,
      ...(deps.chunking
        ? { chunking: chunkingFor(job, spec, { ...deps, chunking: deps.chunking }, delivery) }
        : {}),
    });
    if ('handedOff' in result) return result;
    return await storeRendered(job, spec, result, deps, { ...delivery, step });
  } finally {
    await rm(work, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
  }
}

/** What an attempt stored: the output as the job records it, and the render that made it. */
export interface Stored {
  readonly output: StoredOutput;
  readonly render: RenderResult;
}

/** The chunking of this job's re-encode: when, and where the chunks are handed. */
function chunkingFor(
  job: ClaimedJob,
  spec: JobSpec,
  deps: ProcessDeps & { readonly chunking: ChunkingDeps },
  delivery: Delivery,
): RenderChunking {
  const { thresholdSeconds, chunkSeconds } = deps.chunking;
  return { thresholdSeconds, chunkSeconds, handOff: (kit) => handOffChunks(job, spec, kit, deps, delivery) };
}

/**
 * Uploads what was rendered and presigns it. The loudness is measured on the file while it
 * uploads: one is CPU, the other network. Both are settled before the caller removes the folder,
 * and a failed measurement is the render's fault. The chunk join stores its output through here.
 */
export async function storeRendered(
  job: ClaimedJob,
  spec: JobSpec,
  result: RenderResult,
  deps: Omit<ProcessDeps, 'render'>,
  { step, ...delivery }: Delivery & { readonly step: { current: AttemptStep } },
): Promise<Stored> {
  const destination = chooseDestination(spec, deps.config);
  const [measured, uploaded, captions, deliverables] = await Promise.allSettled([
    measureLoudness(result.localPath, delivery),
    destination.kind === 's3'
      ? storeOutput(deps.outputs, result.localPath, destination.location, delivery).then((location) => ({
          ...destination,
          location,
        }))
      : destination,
    storeCaptions(deps.outputs, result.captions?.files ?? [], destination, delivery),
    storeDeliverables(deps.outputs, result.deliverables, destination, job.message.jobId, delivery),
  ]);
  if (measured.status === 'rejected') throw measured.reason;
  step.current = 'upload';
  if (uploaded.status === 'rejected') throw uploaded.reason;
  if (captions.status === 'rejected') throw captions.reason;
  if (deliverables.status === 'rejected') throw deliverables.reason;
  const presign = { seconds: deps.config.presignSeconds, now: deps.clock() };
  const output = await describeOutput(
    { ...result, audio: measured.value, storedCaptions: captions.value },
    uploaded.value,
    deps.outputs,
    presign,
  );
  const { apiBaseUrl, cdnBaseUrl, bucket } = deps.config;
  const delivered = await describeDeliverables(deliverables.value, output, {
    outputs: deps.outputs,
    presign,
    jobId: job.message.jobId,
    ...(apiBaseUrl ? { apiBaseUrl } : {}),
    ...(cdnBaseUrl ? { cdn: { baseUrl: cdnBaseUrl, bucket } } : {}),
  });
  return { output: { ...output, ...delivered }, render: result };
}

/**
 * Records the completion of a stored output: counted, and taken back when a cancel came between
 * the upload and the record. The chunk join ends its job through here too.
 */
export async function completeStored(
  job: ClaimedJob,
  { output, render }: Stored,
  deps: Omit<ProcessDeps, 'render'>,
  metrics: JobMetrics,
): Promise<ProcessOutcome> {
  const outcome = await recordCompletion(job, output, deps);
  if (outcome.action === 'done' && outcome.status === 'completed') metrics.completed(measureRender(render));
  if (outcome.action === 'done' && outcome.status === 'superseded') await withdrawOutput(job, output, deps);
  return outcome;
}

/** Writes progress to the table at most once per interval; a failed write never stops the render. */
export function progressRecorder(
  job: ClaimedJob,
  deps: Pick<ProcessDeps, 'jobs' | 'config' | 'clock' | 'log'>,
): (percent: number) => void {
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
