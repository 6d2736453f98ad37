import type { Logger } from '@aws-lambda-powertools/logger';
import { deleteJob } from '../api/delete-job.ts';
import { cancelJob, type JobActionDeps, redeliverWebhook } from '../api/job-actions.ts';
import { systemClock } from '../clock.ts';
import type { JobStore } from '../jobs/job-store.ts';
import type { OutputStore } from '../jobs/output-store.ts';
import { readSettings } from '../settings.ts';
import { type ApiLambda, apiBaseUrl, apiHandler, byRoute, forJob } from './api-event.ts';
import { answerBrowserOrigins } from './browser-origins.ts';
import { createConfiguredJobStore } from './job-table.ts';
import { wireOnFirstCall } from './lambda-entry.ts';
import { createLogger } from './logger.ts';
import { createConfiguredOutputStore } from './output-bucket.ts';
import { createConfiguredWebhookQueue } from './webhooks.ts';

const SERVICE = 'auto-vid-job-actions';

export type ActionDeps = JobActionDeps & {
  readonly jobs: Pick<JobStore, 'get' | 'cancel' | 'remove'>;
  readonly outputs: Pick<OutputStore, 'presignGet' | 'remove' | 'removePrefix'>;
};

/** What a client does to its job: POST /jobs/{jobId}/cancel, DELETE /jobs/{jobId}, POST /jobs/{jobId}/webhook. */
export function createJobActionsHandler(deps: ActionDeps, logger: Logger = createLogger(SERVICE)): ApiLambda {
  const log: JobActionDeps['log'] = (level, message, fields) => logger[level](message, fields);
  return apiHandler(
    logger,
    byRoute({
      'POST /jobs/{jobId}/cancel': forJob(logger, (jobId, caller) =>
        cancelJob(jobId, caller, { ...deps, log }),
      ),
      'DELETE /jobs/{jobId}': forJob(logger, (jobId, caller) => deleteJob(jobId, caller, deps)),
      'POST /jobs/{jobId}/webhook': forJob(logger, (jobId, caller, event) =>
        redeliverWebhook(jobId, caller, { ...deps, log, apiBaseUrl: apiBaseUrl(event) }),
      ),
    }),
  );
}

/** The job actions, wired from a function's environment. */
export function wire(env: NodeJS.ProcessEnv): ApiLambda {
  const settings = readSettings(env);
  return answerBrowserOrigins(
    settings.allowedOrigins,
    createJobActionsHandler(
      {
        jobs: createConfiguredJobStore(settings, env),
        outputs: createConfiguredOutputStore(settings, env),
        webhooks: createConfiguredWebhookQueue(settings, env),
        presignSeconds: settings.presignSeconds,
        clock: systemClock,
      },
      createLogger(SERVICE, env),
    ),
  );
}

/** The Lambda entry point: wired once per container from its environment. */
export const handler: ApiLambda = wireOnFirstCall(wire);
