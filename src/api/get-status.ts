import { toJobView } from '@auto-vid/shared';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Clock } from '../clock.ts';
import type { JobStore } from '../jobs/job-store.ts';
import { errorResponse, jsonResponse } from './responses.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** GET /status/{jobId}: the job view (never `ttl`), 404 when unknown, 400 before any lookup. */
export async function getJobStatus(
  jobId: string | undefined,
  deps: { jobs: JobStore; clock: Clock },
): Promise<APIGatewayProxyResult> {
  const now = deps.clock();
  if (jobId === undefined || jobId === '') return errorResponse(400, 'Missing jobId in path', now);
  if (!UUID.test(jobId)) return errorResponse(400, 'Invalid jobId: expected a UUID', now);
  const record = await deps.jobs.get(jobId.toLowerCase());
  if (!record) return errorResponse(404, `Job ${jobId} not found`, now);
  return jsonResponse(200, toJobView(record));
}
