import type { Logger } from '@aws-lambda-powertools/logger';
import { getJobStatus, type StatusDeps } from '../api/get-status.ts';
import { listDeliveries } from '../api/job-actions.ts';
import { listJobs } from '../api/list-jobs.ts';
import { systemClock } from '../clock.ts';
import type { JobStore } from '../jobs/job-store.ts';
import { readSettings } from '../settings.ts';
import {
  type ApiEvent,
  type ApiLambda,
  apiBaseUrl,
  apiHandler,
  byRoute,
  callerOf,
  forJob,
} from './api-event.ts';
import { answerBrowserOrigins } from './browser-origins.ts';
import { createConfiguredJobStore } from './job-table.ts';
import { wireOnFirstCall } from './lambda-entry.ts';
import { createLogger } from './logger.ts';
import { createConfiguredOutputStore } from './output-bucket.ts';

const SERVICE = 'auto-vid-status';

export type ReadDeps = StatusDeps & { readonly jobs: Pick<JobStore, 'get' | 'list'> };

/**
 * The API's reads: GET /status/{jobId} and GET /jobs/{jobId} (one view), GET /jobs (the caller's
 * jobs) and GET /jobs/{jobId}/deliveries (the webhook log). Each answers for the caller's key only.
 */
export function createGetStatusHandler(deps: ReadDeps, logger: Logger = createLogger(SERVICE)): ApiLambda {
  // Each answer signs the HLS playback URL on the address this request came to.
  const calledAt = (event: ApiEvent): ReadDeps => ({ ...deps, apiBaseUrl: apiBaseUrl(event) });
  const status = forJob(logger, (jobId, caller, event) => getJobStatus(jobId, calledAt(event), caller));
  return apiHandler(
    logger,
    byRoute({
      'GET /status/{jobId}': status,
      'GET /jobs/{jobId}': status,
      'GET /jobs': (event) => listJobs(event.queryStringParameters ?? null, callerOf(event), calledAt(event)),
      'GET /jobs/{jobId}/deliveries': forJob(logger, (jobId, caller) => listDeliveries(jobId, caller, deps)),
    }),
  );
}

/** The API's reads, wired from a function's environment. */
export function wire(env: NodeJS.ProcessEnv): ApiLambda {
  const settings = readSettings(env);
  return answerBrowserOrigins(
    settings.allowedOrigins,
    createGetStatusHandler(
      {
        jobs: createConfiguredJobStore(settings, env),
        // Download URLs are signed here again, with this function's own credentials.
        outputs: createConfiguredOutputStore(settings, env),
        presignSeconds: settings.presignSeconds,
        clock: systemClock,
      },
      createLogger(SERVICE, env),
    ),
  );
}

/** The Lambda entry point: wired once per container from its environment. */
export const handler: ApiLambda = wireOnFirstCall(wire);
