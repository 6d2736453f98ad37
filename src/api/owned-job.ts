import type { JobRecord } from '@auto-vid/shared';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { JobStore } from '../jobs/job-store.ts';
import { errorResponse } from './responses.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who is asking: the id of the API key the request came with (API Gateway's `apiKeyId`). */
export type Caller = string | undefined;

export type OwnedJob =
  | { readonly ok: true; readonly record: JobRecord }
  | { readonly ok: false; readonly response: APIGatewayProxyResult };

/**
 * Whether `caller` may see the record: a job belongs to the key that submitted it; a record
 * written before jobs had owners is everyone's (a one-key deployment behaves as it did).
 */
export function isVisibleTo(record: JobRecord, caller: Caller): boolean {
  return record.owner === undefined || record.owner === caller;
}

/**
 * The job at `{jobId}` when the caller may see it: 400 for a missing or malformed id (before any
 * lookup), 404 for an unknown job and for another key's, which are told apart by nothing.
 */
export async function findOwnedJob(
  jobId: string | undefined,
  caller: Caller,
  jobs: Pick<JobStore, 'get'>,
  now: Date,
): Promise<OwnedJob> {
  const found = await findJob(jobId, jobs, now);
  if (found.ok && !isVisibleTo(found.record, caller))
    return { ok: false, response: errorResponse(404, `Job ${jobId} not found`, now) };
  return found;
}

/**
 * The job at `{jobId}` whoever owns it, for a route whose caller proves access otherwise (a
 * playback token): 400 for a missing or malformed id (before any lookup), 404 for an unknown job.
 */
export async function findJob(
  jobId: string | undefined,
  jobs: Pick<JobStore, 'get'>,
  now: Date,
): Promise<OwnedJob> {
  if (jobId === undefined || jobId === '')
    return { ok: false, response: errorResponse(400, 'Missing jobId in path', now) };
  if (!UUID.test(jobId))
    return { ok: false, response: errorResponse(400, 'Invalid jobId: expected a UUID', now) };
  const record = await jobs.get(jobId.toLowerCase());
  if (!record) return { ok: false, response: errorResponse(404, `Job ${jobId} not found`, now) };
  return { ok: true, record };
}
