import { randomUUID } from 'node:crypto';
import {
  createJobRecord,
  formatSpecProblems,
  type JobSpec,
  type StoredWebhook,
  toJobView,
  validateJobSpec,
  type WebhookSizeLimits,
} from '@auto-vid/shared';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Clock } from '../clock.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { JobStore } from '../jobs/job-store.ts';
import { checkDeploymentRules, type DeploymentRules } from '../policy/deployment-rules.ts';
import type { Caller } from './owned-job.ts';
import { parseJsonBody } from './request-body.ts';
import { errorResponse, jsonResponse } from './responses.ts';

/** SQS's classic message limit: the message carries the whole spec, so the body must fit. */
export const MAX_SUBMIT_BODY_BYTES = 256 * 1024;

export interface SubmitDeps {
  readonly jobs: JobStore;
  readonly queue: JobQueue;
  readonly limits: WebhookSizeLimits;
  readonly ttlSeconds: number;
  /** What this deployment allows beyond the contract (local mode, output buckets). */
  readonly rules?: DeploymentRules;
  readonly clock: Clock;
  readonly newJobId?: () => string;
  readonly log?: (level: 'info' | 'error', message: string, fields: Record<string, unknown>) => void;
}

/** The spec's webhook, kept with the job for a cancel's or a redelivery's notification. */
function storedWebhook(spec: JobSpec): { webhook?: StoredWebhook } {
  const webhook = spec.notifications?.webhook;
  if (!webhook) return {};
  return {
    webhook: {
      url: webhook.url,
      method: webhook.method,
      headers: webhook.headers ?? {},
      metadata: webhook.metadata ?? {},
    },
  };
}

/**
 * POST /submit: validate, record the job, queue it. A job is recorded only for a valid spec, and
 * never left without a queue message: when queueing fails the record becomes `failed`.
 */
export async function submitJob(
  body: string | undefined,
  deps: SubmitDeps,
  caller?: Caller,
): Promise<APIGatewayProxyResult> {
  const now = deps.clock();
  const parsed = parseJsonBody(body, now, { maxBytes: MAX_SUBMIT_BODY_BYTES });
  if (!parsed.ok) return parsed.response;
  const validation = validateJobSpec(parsed.json, deps.limits);
  if (!validation.ok) {
    return errorResponse(400, validation.error.message, now, { details: validation.error.problems });
  }
  const refused = deps.rules ? checkDeploymentRules(validation.spec, deps.rules) : [];
  if (refused.length > 0) {
    return errorResponse(400, formatSpecProblems(refused), now, { details: refused });
  }

  const jobId = (deps.newJobId ?? randomUUID)();
  const record = createJobRecord({
    jobId,
    jobInfo: validation.spec.jobInfo,
    now,
    ttlSeconds: deps.ttlSeconds,
    ...(caller === undefined ? {} : { owner: caller }),
    ...storedWebhook(validation.spec),
  });
  await deps.jobs.create(record);
  try {
    // The message carries the validated spec, defaults applied and unknown keys dropped: never the
    // raw body, whose ignored parts could be anything (5,000 levels of nesting overflow the stack).
    await deps.queue.send({ jobId, jobSpec: validation.spec, submittedAt: record.submittedAt });
  } catch (error) {
    deps.log?.('error', 'Queueing the job failed; marking it failed', {
      jobId,
      error: (error as Error).message,
    });
    await deps.jobs.fail(jobId, 'Failed to queue job', deps.clock());
    return errorResponse(500, 'Failed to queue job', now, { jobId });
  }
  deps.log?.('info', 'Job submitted', { jobId });
  return jsonResponse(200, toJobView(record));
}
