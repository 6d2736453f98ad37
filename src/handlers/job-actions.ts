import type { Logger } from '@aws-lambda-powertools/logger';
import { deleteJob } from '../api/delete-job.ts';
import { cancelJob, type JobActionDeps, redeliverWebhook } from '../api/job-actions.ts';
import { createDynamoDocumentClient, createS3Client } from '../aws/clients.ts';
import { systemClock } from '../clock.ts';
import { createDynamoJobStore } from '../jobs/dynamo-job-store.ts';
import type { JobStore } from '../jobs/job-store.ts';
import { createS3OutputStore, type OutputStore } from '../jobs/output-store.ts';
import { readSettings, required } from '../settings.ts';
import { type ApiLambda, apiHandler, byRoute, callerOf } from './api-event.ts';
import { wireOnFirstCall } from './lambda-entry.ts';
import { createLogger } from './logger.ts';
import { createConfiguredWebhookQueue } from './webhooks.ts';

const SERVICE = 'auto-vid-job-actions';

export type ActionDeps = JobActionDeps & {
  readonly jobs: Pick<JobStore, 'get' | 'cancel' | 'remove'>;
  readonly outputs: Pick<OutputStore, 'presignGet' | 'remove'>;
};

/** What a client does to its job: POST /jobs/{jobId}/cancel, DELETE /jobs/{jobId}, POST /jobs/{jobId}/webhook. */
export function createJobActionsHandler(deps: ActionDeps, logger: Logger = createLogger(SERVICE)): ApiLambda {
  const log: JobActionDeps['log'] = (level, message, fields) => logger[level](message, fields);
  const withJob =
    (
      action: (
        jobId: string | undefined,
        caller: string | undefined,
      ) => Promise<import('aws-lambda').APIGatewayProxyResult>,
    ) =>
    (event: import('./api-event.ts').ApiEvent) => {
      const jobId = event.pathParameters?.jobId ?? undefined;
      if (jobId) logger.appendKeys({ jobId });
      return action(jobId, callerOf(event));
    };
  return apiHandler(
    logger,
    byRoute({
      'POST /jobs/{jobId}/cancel': withJob((jobId, caller) => cancelJob(jobId, caller, { ...deps, log })),
      'DELETE /jobs/{jobId}': withJob((jobId, caller) => deleteJob(jobId, caller, deps)),
      'POST /jobs/{jobId}/webhook': withJob((jobId, caller) =>
        redeliverWebhook(jobId, caller, { ...deps, log }),
      ),
    }),
  );
}

/** The job actions, wired from a function's environment. */
export function wire(env: NodeJS.ProcessEnv): ApiLambda {
  const settings = readSettings(env);
  return createJobActionsHandler(
    {
      jobs: createDynamoJobStore(
        createDynamoDocumentClient(env),
        required(settings.jobsTable, 'DYNAMODB_JOBS_TABLE'),
      ),
      outputs: createS3OutputStore(createS3Client(env), {
        credentialsSeconds: settings.presignCredentialsSeconds,
      }),
      webhooks: createConfiguredWebhookQueue(settings, env),
      presignSeconds: settings.presignSeconds,
      clock: systemClock,
    },
    createLogger(SERVICE, env),
  );
}

/** The Lambda entry point: wired once per container from its environment. */
export const handler: ApiLambda = wireOnFirstCall(wire);
