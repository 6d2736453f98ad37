import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Clock } from '../clock.ts';
import type { JobStore } from '../jobs/job-store.ts';
import { VERSION } from '../version.ts';
import type { Health } from './api-schemas.ts';
import { jsonResponse } from './responses.ts';

/** A job id no job has: reading it proves the table answers, and costs one read. */
const PROBE_JOB_ID = '00000000-0000-0000-0000-000000000000';

/** Longest the table may take to answer before the service is called unhealthy, ms. */
export const HEALTH_TIMEOUT_MS = 3_000;

export interface HealthDeps {
  readonly jobs: Pick<JobStore, 'get'>;
  readonly clock: Clock;
  readonly log?: (message: string, fields: Record<string, unknown>) => void;
}

/**
 * GET /health, without an API key: `{"status":"ok","version":…}` when the jobs table answers a
 * read within HEALTH_TIMEOUT_MS, 503 `{"status":"unavailable",…}` when it does not. Nothing else
 * about the deployment is told.
 */
export async function checkHealth(deps: HealthDeps): Promise<APIGatewayProxyResult> {
  const checkedAt = deps.clock().toISOString();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      deps.jobs.get(PROBE_JOB_ID),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${HEALTH_TIMEOUT_MS} ms`)),
          HEALTH_TIMEOUT_MS,
        );
      }),
    ]);
    return jsonResponse(200, { status: 'ok', version: VERSION, checkedAt } satisfies Health);
  } catch (error) {
    deps.log?.('The jobs table did not answer the health check', { error: (error as Error).message });
    return jsonResponse(503, {
      status: 'unavailable',
      version: VERSION,
      checkedAt,
      error: 'The jobs table is unreachable',
    } satisfies Health);
  } finally {
    clearTimeout(timer);
  }
}
