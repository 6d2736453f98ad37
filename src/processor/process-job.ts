import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  formatSpecProblems,
  type JobMessage,
  type JobRecord,
  type JobSpec,
  measureProcessingTime,
  parseAssetSource,
  parseS3Destination,
  readWebhookTarget,
  resolveOutputFilename,
  toJobView,
  validateJobSpec,
  type WebhookSizeLimits,
} from '@auto-vid/shared';
import type { S3Client } from '@aws-sdk/client-s3';
import { checkDeploymentRules } from '../api/deployment-rules.ts';
import type { JobStore } from '../jobs/job-store.ts';
import type { OutputStore, S3Location } from '../jobs/output-store.ts';
import type { WebhookSender } from '../jobs/webhook-sender.ts';
import { type AttemptLimits, interruptedError, watchAttempt } from './attempt.ts';
import { isRetryable, PermanentError, TransientError } from './errors.ts';
import type { RenderPorts, RenderResult } from './render-job.ts';
import type { SpeechSynthesizer } from './speech/speech-synthesizer.ts';

export type Log = (
  level: 'debug' | 'info' | 'warn' | 'error',
  message: string,
  fields?: Record<string, unknown>,
) => void;

export interface ProcessDeps {
  readonly jobs: JobStore;
  readonly outputs: OutputStore;
  readonly webhooks: WebhookSender;
  readonly render: (spec: JobSpec, ports: RenderPorts) => Promise<RenderResult>;
  readonly speech: SpeechSynthesizer;
  readonly s3?: S3Client;
  /** The stack's bucket: default output location `s3://<bucket>/outputs/`. */
  readonly bucket: string;
  /** Buckets a spec's destination may name (the stack's bucket by default). */
  readonly outputBuckets?: readonly string[];
  /** Largest http(s) asset, bytes. */
  readonly maxAssetBytes?: number;
  readonly presignSeconds: number;
  readonly limits: WebhookSizeLimits;
  /** File-path sources and folder destinations are allowed only here (CLI and local stack). */
  readonly localMode: boolean;
  /** How long a claim holds before a redelivered message may take the job over. */
  readonly leaseMs: number;
  /** Epoch ms by which the render must stop (the Lambda's remaining time minus a margin). */
  readonly deadlineAt?: number;
  readonly progressIntervalMs?: number;
  /** Stops the render (as a retryable fault) when the host shuts down. */
  readonly signal?: AbortSignal;
  readonly tempRoot?: string;
  readonly now?: () => Date;
  readonly log?: Log;
}

/**
 * What became of one message: `done` (delete it: completed, failed for good, or a duplicate of a
 * finished job) or `retry` (leave it to come back: a transient fault, or another worker holds it).
 */
export type ProcessOutcome =
  | { readonly action: 'done'; readonly status: string }
  | { readonly action: 'retry'; readonly reason: string };

const DEFAULT_PROGRESS_INTERVAL_MS = 2_000;

/** The webhook id of a job's final state: the same on every retry of the same notification. */
export function buildWebhookId(jobId: string, status: string): string {
  return `msg_${jobId}_${status}`;
}

/** The job use-case: claim → validate → render → upload → presign → complete → notify. */
export async function processJob(message: JobMessage, deps: ProcessDeps): Promise<ProcessOutcome> {
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? (() => {});
  const { jobId } = message;
  const claimedAt = now();
  const claim = await deps.jobs.claim(jobId, claimedAt, new Date(claimedAt.getTime() + deps.leaseMs));
  if (!claim.claimed) {
    const status = claim.record?.status;
    if (status === 'processing') {
      log('info', 'Job is being processed by another delivery; leaving this one for later', { jobId });
      return { action: 'retry', reason: 'job is being processed elsewhere' };
    }
    log('info', 'Nothing to do for this delivery', { jobId, status: status ?? 'unknown job' });
    return { action: 'done', status: status ?? 'unknown' };
  }
  const attempt = claim.record.attempts ?? 1;
  log('info', 'Job claimed', { jobId, attempt });

  const validation = validateJobSpec(message.jobSpec, deps.limits);
  if (!validation.ok) {
    return failJob(message, attempt, validation.error.message, claimedAt, deps);
  }
  const spec = validation.spec;
  const refused = checkDeploymentRules(spec, {
    localMode: deps.localMode,
    outputBuckets: deps.outputBuckets ?? [deps.bucket],
  });
  if (refused.length > 0) return failJob(message, attempt, formatSpecProblems(refused), claimedAt, deps);

  const work = await mkdtemp(join(deps.tempRoot ?? tmpdir(), 'auto-vid-out-'));
  try {
    const destination = chooseDestination(spec, deps);
    let lastReport = 0;
    const interval = deps.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
    const result = await deps.render(spec, {
      speech: deps.speech,
      ...(deps.s3 ? { s3: deps.s3 } : {}),
      localMode: deps.localMode,
      outputDirectory: destination.kind === 'folder' ? destination.path : work,
      ...(deps.deadlineAt !== undefined ? { deadlineAt: deps.deadlineAt } : {}),
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(deps.maxAssetBytes !== undefined ? { maxAssetBytes: deps.maxAssetBytes } : {}),
      onProgress: (percent) => {
        const at = Date.now();
        if (percent <= 0 || percent >= 100 || at - lastReport < interval) return;
        lastReport = at;
        deps.jobs
          .reportProgress(jobId, attempt, percent, now())
          .catch((error: unknown) =>
            log('warn', 'Progress update failed', { jobId, error: (error as Error).message }),
          );
      },
    });

    let output: JobRecord['output'];
    if (destination.kind === 's3') {
      await storeOutput(deps.outputs, result.localPath, destination.location, deps);
      const url = await deps.outputs.presignGet(destination.location, deps.presignSeconds);
      output = {
        url,
        urlExpiresAt: new Date(now().getTime() + deps.presignSeconds * 1000).toISOString(),
        s3Uri: `s3://${destination.location.bucket}/${destination.location.key}`,
        duration: result.duration,
        size: result.size,
      };
    } else {
      output = { url: null, urlExpiresAt: null, s3Uri: null, duration: result.duration, size: result.size };
    }
    const finishedAt = now();
    const completed = await deps.jobs.complete(
      jobId,
      attempt,
      { output, processingTime: measureProcessingTime(claimedAt, finishedAt) },
      finishedAt,
    );
    if (!completed) {
      log('warn', 'The job changed hands before it could be completed; dropping this result', {
        jobId,
        attempt,
      });
      return { action: 'done', status: 'superseded' };
    }
    log('info', 'Job completed', { jobId, attempt, duration: result.duration, size: result.size });
    await notify(message, completed, deps);
    return { action: 'done', status: 'completed' };
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n').join(' | ');
    if (isRetryable(error) || !(error instanceof Error) || isUnexpected(error)) {
      log('warn', 'Job hit a fault that may pass; the message will be redelivered', {
        jobId,
        attempt,
        error: reason,
      });
      await deps.jobs.markRetrying(jobId, attempt, reason, now());
      return { action: 'retry', reason };
    }
    return failJob(message, attempt, reason, claimedAt, deps);
  } finally {
    await rm(work, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
  }
}

const FINAL_S3_ERRORS = new Set(['NoSuchBucket', 'AccessDenied', 'InvalidBucketName', 'AllAccessDisabled']);

/**
 * Uploads the MP4 within the attempt's limits; a destination that cannot exist or be written fails
 * the job at once, other faults are left to a retry.
 */
async function storeOutput(
  outputs: OutputStore,
  path: string,
  location: S3Location,
  limits: AttemptLimits,
): Promise<void> {
  const attempt = watchAttempt(limits);
  try {
    await outputs.upload(path, location, attempt.signal);
  } catch (error) {
    const stoppedBy = attempt.stoppedBy();
    if (stoppedBy) throw interruptedError('Upload', stoppedBy);
    const name = (error as { name?: string }).name ?? 'Error';
    const where = `s3://${location.bucket}/${location.key}`;
    if (FINAL_S3_ERRORS.has(name))
      throw new PermanentError(`The output could not be stored at ${where}: ${name}`);
    throw new TransientError(
      `The output could not be stored at ${where}: ${name}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/** AWS SDK faults, network errors and bugs are not known to be permanent: they get retried. */
function isUnexpected(error: Error): boolean {
  return !('retryable' in error);
}

type Destination =
  | { readonly kind: 's3'; readonly location: S3Location }
  | { readonly kind: 'folder'; readonly path: string };

function chooseDestination(spec: JobSpec, deps: Pick<ProcessDeps, 'bucket' | 'localMode'>): Destination {
  const filename = resolveOutputFilename(spec);
  const destination = spec.output.destination;
  if (destination) {
    const s3 = parseS3Destination(destination);
    if (s3) return { kind: 's3', location: { bucket: s3.bucket, key: `${s3.prefix}${filename}` } };
    const parsed = parseAssetSource(destination);
    if (deps.localMode && parsed.ok && parsed.source.kind === 'file') {
      return { kind: 'folder', path: parsed.source.path };
    }
  }
  return { kind: 's3', location: { bucket: deps.bucket, key: `outputs/${filename}` } };
}

async function failJob(
  message: JobMessage,
  attempt: number,
  reason: string,
  claimedAt: Date,
  deps: ProcessDeps,
): Promise<ProcessOutcome> {
  const now = deps.now ?? (() => new Date());
  const failedAt = now();
  const failed = await deps.jobs.fail(message.jobId, reason, failedAt, {
    attempt,
    processingTime: measureProcessingTime(claimedAt, failedAt),
  });
  deps.log?.('error', 'Job failed', { jobId: message.jobId, attempt, error: reason });
  if (failed) await notify(message, failed, deps);
  return { action: 'done', status: 'failed' };
}

/** Sends the final webhook when the spec asked for one; its outcome never changes the job's. */
export async function notify(
  message: JobMessage,
  record: JobRecord,
  deps: Pick<ProcessDeps, 'webhooks' | 'limits' | 'log'>,
): Promise<void> {
  const target = readWebhookTarget(message.jobSpec, deps.limits);
  if (!target) return;
  const delivery = await deps.webhooks.send({
    url: target.url,
    method: target.method,
    headers: target.headers ?? {},
    body: { ...toJobView(record), metadata: target.metadata ?? {} },
    webhookId: buildWebhookId(record.jobId, record.status),
  });
  if (delivery.delivered) {
    deps.log?.('info', 'Webhook delivered', {
      jobId: record.jobId,
      attempts: delivery.attempts,
      status: delivery.status,
    });
  } else {
    deps.log?.('warn', 'Webhook not delivered', {
      jobId: record.jobId,
      attempts: delivery.attempts,
      reason: delivery.reason,
    });
  }
}
