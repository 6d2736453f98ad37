import { isFinalStatus, toJobView } from '@auto-vid/shared';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { JobStore } from '../jobs/job-store.ts';
import { buildNotification, type WebhookQueue } from '../jobs/webhook-queue.ts';
import type { Deliveries, Redelivery } from './api-schemas.ts';
import { type StatusDeps, viewWithUrls } from './get-status.ts';
import { type Caller, findOwnedJob } from './owned-job.ts';
import { errorResponse, jsonResponse } from './responses.ts';

export interface JobActionDeps extends Omit<StatusDeps, 'jobs'> {
  readonly jobs: Pick<JobStore, 'get' | 'cancel'>;
  readonly webhooks: Pick<WebhookQueue, 'send'>;
  readonly log?: (level: 'info' | 'warn', message: string, fields: Record<string, unknown>) => void;
}

/**
 * POST /jobs/{jobId}/cancel: a job not yet final ends `cancelled` at once and its webhook is queued;
 * a render in progress sees the change within seconds and stops, uploading nothing. A final job
 * answers 409 with its status.
 */
export async function cancelJob(
  jobId: string | undefined,
  caller: Caller,
  deps: JobActionDeps,
): Promise<APIGatewayProxyResult> {
  const found = await findOwnedJob(jobId, caller, deps.jobs, deps.clock());
  if (!found.ok) return found.response;
  const { record } = found;
  const cancelled = isFinalStatus(record.status)
    ? undefined
    : await deps.jobs.cancel(record.jobId, deps.clock());
  if (!cancelled) {
    const now = (await deps.jobs.get(record.jobId)) ?? record;
    return errorResponse(
      409,
      `Job ${record.jobId} is already ${now.status}; only a job not yet final can be cancelled`,
      deps.clock(),
      {
        status: now.status,
      },
    );
  }
  deps.log?.('info', 'Job cancelled', { jobId: record.jobId, was: record.status });
  const view = toJobView(cancelled);
  if (cancelled.webhook)
    await deps.webhooks.send({ notification: buildNotification(view, cancelled.webhook), attempts: 0 });
  return jsonResponse(200, view);
}

/**
 * POST /jobs/{jobId}/webhook: the final notification queued again, the same `webhook-id` as the
 * first (receivers drop duplicates by it), the view as GET /status gives it now (URLs signed
 * again). 409 for a job not yet final or one that asked for no webhook.
 */
export async function redeliverWebhook(
  jobId: string | undefined,
  caller: Caller,
  deps: JobActionDeps,
): Promise<APIGatewayProxyResult> {
  const now = deps.clock();
  const found = await findOwnedJob(jobId, caller, deps.jobs, now);
  if (!found.ok) return found.response;
  const { record } = found;
  if (!isFinalStatus(record.status))
    return errorResponse(
      409,
      `Job ${record.jobId} is ${record.status}; its webhook is sent when it ends`,
      now,
    );
  const target = record.webhook;
  // Jobs submitted before records kept their webhook have none to send again.
  if (!target) return errorResponse(409, `Job ${record.jobId} has no webhook to deliver`, now);
  const notification = buildNotification(await viewWithUrls(record, deps), target);
  await deps.webhooks.send({ notification, attempts: 0 });
  return jsonResponse(202, {
    jobId: record.jobId,
    webhookId: notification.webhookId,
    queued: true,
  } satisfies Redelivery);
}

/** GET /jobs/{jobId}/deliveries: every webhook attempt, oldest first. */
export async function listDeliveries(
  jobId: string | undefined,
  caller: Caller,
  deps: Pick<StatusDeps, 'jobs' | 'clock'>,
): Promise<APIGatewayProxyResult> {
  const found = await findOwnedJob(jobId, caller, deps.jobs, deps.clock());
  if (!found.ok) return found.response;
  const answer: Deliveries = { jobId: found.record.jobId, deliveries: found.record.deliveries ?? [] };
  return jsonResponse(200, answer);
}
