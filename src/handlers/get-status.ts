import type { Logger } from '@aws-lambda-powertools/logger';
import { getJobStatus, type StatusDeps } from '../api/get-status.ts';
import { createDynamoDocumentClient, createS3Client } from '../aws/clients.ts';
import { systemClock } from '../clock.ts';
import { createDynamoJobStore } from '../jobs/dynamo-job-store.ts';
import { createS3OutputStore } from '../jobs/output-store.ts';
import { readSettings, required } from '../settings.ts';
import { type ApiLambda, apiHandler } from './api-event.ts';
import { wireOnFirstCall } from './lambda-entry.ts';
import { createLogger } from './logger.ts';

const SERVICE = 'auto-vid-status';

export function createGetStatusHandler(deps: StatusDeps, logger: Logger = createLogger(SERVICE)): ApiLambda {
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
      // Download URLs are signed here again, with this function's own credentials.
      outputs: createS3OutputStore(createS3Client(env), {
        credentialsSeconds: settings.presignCredentialsSeconds,
      }),
      presignSeconds: settings.presignSeconds,
      clock: systemClock,
    },
    createLogger(SERVICE, env),
  );
}

/** The Lambda entry point: wired once per container from its environment. */
export const handler: ApiLambda = wireOnFirstCall(wire);
