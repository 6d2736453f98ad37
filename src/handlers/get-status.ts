import { getJobStatus } from '../api/get-status.ts';
import { createDynamoDocumentClient } from '../aws/clients.ts';
import { createDynamoJobStore } from '../jobs/dynamo-job-store.ts';
import type { JobStore } from '../jobs/job-store.ts';
import { readSettings, required } from '../settings.ts';
import { apiHandler } from './api-event.ts';
import { createLogger } from './logger.ts';

const logger = createLogger('auto-vid-status');

export function createGetStatusHandler(deps: { jobs: JobStore }) {
  return apiHandler(logger, (event) => {
    const jobId = event.pathParameters?.jobId ?? undefined;
    if (jobId) logger.appendKeys({ jobId });
    return getJobStatus(jobId, deps);
  });
}

let wired: ReturnType<typeof createGetStatusHandler> | undefined;

/** GET /status/{jobId}. */
export const handler = (event: unknown) => {
  if (!wired) {
    const settings = readSettings();
    wired = createGetStatusHandler({
      jobs: createDynamoJobStore(
        createDynamoDocumentClient(),
        required(settings.jobsTable, 'DYNAMODB_JOBS_TABLE'),
      ),
    });
  }
  return wired(event);
};
