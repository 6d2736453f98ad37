import { createDynamoDocumentClient } from '../aws/clients.ts';
import { createDynamoJobStore } from '../jobs/dynamo-job-store.ts';
import type { JobStore } from '../jobs/job-store.ts';
import { required, type Settings } from '../settings.ts';

/** The jobs table every function reads or writes, named by its environment (DYNAMODB_JOBS_TABLE). */
export function createConfiguredJobStore(settings: Settings, env: NodeJS.ProcessEnv): JobStore {
  return createDynamoJobStore(
    createDynamoDocumentClient(env),
    required(settings.jobsTable, 'DYNAMODB_JOBS_TABLE'),
  );
}
