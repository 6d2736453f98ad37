import type { Logger } from '@aws-lambda-powertools/logger';
import { getJobStatus } from '../api/get-status.ts';
import { createDynamoDocumentClient } from '../aws/clients.ts';
import { type Clock, systemClock } from '../clock.ts';
import { createDynamoJobStore } from '../jobs/dynamo-job-store.ts';
import type { JobStore } from '../jobs/job-store.ts';
import { readSettings, required } from '../settings.ts';
import { type ApiLambda, apiHandler } from './api-event.ts';
import { wireOnFirstCall } from './lambda-entry.ts';
import { createLogger } from './logger.ts';

const SERVICE = 'auto-vid-status';

export function createGetStatusHandler(
  deps: { jobs: JobStore; clock: Clock },
  logger: Logger = createLogger(SERVICE),
): ApiLambda {
  return apiHandler(logger, (event) => {
    const jobId = event.pathParameters?.jobId ?? undefined;
    if (jobId) logger.appendKeys({ jobId });
    return getJobStatus(jobId, deps);
  });
}

/** GET /status/{jobId}, wired from a function's environment. */
export function wire(env: NodeJS.ProcessEnv): ApiLambda {
  const settings = readSettings(env);
  return createGetStatusHandler(
    {
      jobs: createDynamoJobStore(
        createDynamoDocumentClient(env),
        required(settings.jobsTable, 'DYNAMODB_JOBS_TABLE'),
      ),
      clock: systemClock,
    },
    createLogger(SERVICE, env),
  );
}

/** The Lambda entry point: wired once per container from its environment. */
export const handler: ApiLambda = wireOnFirstCall(wire);
