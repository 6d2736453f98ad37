import type { Logger } from '@aws-lambda-powertools/logger';
import { checkHealth, type HealthDeps } from '../api/health.ts';
import { createDynamoDocumentClient } from '../aws/clients.ts';
import { systemClock } from '../clock.ts';
import { createDynamoJobStore } from '../jobs/dynamo-job-store.ts';
import { readSettings, required } from '../settings.ts';
import { type ApiLambda, apiHandler, byRoute } from './api-event.ts';
import { wireOnFirstCall } from './lambda-entry.ts';
import { createLogger } from './logger.ts';

const SERVICE = 'auto-vid-service-info';

/** What the service says of itself: GET /health (no API key). */
export function createServiceInfoHandler(
  deps: HealthDeps,
  logger: Logger = createLogger(SERVICE),
): ApiLambda {
  return apiHandler(
    logger,
    byRoute({
      'GET /health': () => checkHealth({ ...deps, log: (message, fields) => logger.warn(message, fields) }),
    }),
  );
}

/** GET /health, wired from a function's environment. */
export function wire(env: NodeJS.ProcessEnv): ApiLambda {
  const settings = readSettings(env);
  return createServiceInfoHandler(
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
