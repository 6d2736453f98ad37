import type { Logger } from '@aws-lambda-powertools/logger';
import { checkHealth, type HealthDeps } from '../api/health.ts';
import { servedOpenApiDocument } from '../api/openapi.ts';
import { jsonResponse } from '../api/responses.ts';
import { systemClock } from '../clock.ts';
import { readSettings } from '../settings.ts';
import { type ApiLambda, apiBaseUrl, apiHandler, byRoute } from './api-event.ts';
import { answerBrowserOrigins } from './browser-origins.ts';
import { createConfiguredJobStore } from './job-table.ts';
import { wireOnFirstCall } from './lambda-entry.ts';
import { createLogger } from './logger.ts';

const SERVICE = 'auto-vid-service-info';

/** What the service says of itself: GET /health (no API key) and GET /openapi.json. */
export function createServiceInfoHandler(
  deps: HealthDeps,
  logger: Logger = createLogger(SERVICE),
): ApiLambda {
  return apiHandler(
    logger,
    byRoute({
      'GET /health': () => checkHealth({ ...deps, log: (message, fields) => logger.warn(message, fields) }),
      'GET /openapi.json': async (event) => jsonResponse(200, servedOpenApiDocument(apiBaseUrl(event))),
    }),
  );
}

/** GET /health and GET /openapi.json, wired from a function's environment. */
export function wire(env: NodeJS.ProcessEnv): ApiLambda {
  const settings = readSettings(env);
  return answerBrowserOrigins(
    settings.allowedOrigins,
    createServiceInfoHandler(
      {
        jobs: createConfiguredJobStore(settings, env),
        clock: systemClock,
      },
      createLogger(SERVICE, env),
    ),
  );
}

/** The Lambda entry point: wired once per container from its environment. */
export const handler: ApiLambda = wireOnFirstCall(wire);
