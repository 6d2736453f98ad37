import { isFinalStatus, type JobRecord } from '@auto-vid/shared';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Clock } from '../clock.ts';
import { objectsWrittenBy, packageWrittenBy } from '../jobs/job-objects.ts';
import type { JobStore } from '../jobs/job-store.ts';
import type { OutputStore } from '../jobs/output-store.ts';
import type { DeletedJob } from './api-schemas.ts';
import { type Caller, findOwnedJob } from './owned-job.ts';
import { errorResponse, jsonResponse } from './responses.ts';

export interface DeleteDeps {
  readonly jobs: Pick<JobStore, 'get' | 'remove'>;
  readonly outputs: Pick<OutputStore, 'remove' | 'removePrefix'>;
  readonly clock: Clock;
}

/**
 * DELETE /jobs/{jobId}: a final job's objects (the MP4 and every sidecar it wrote, each the version
 * the job wrote) and then its record are removed; 409 for a job not yet final (cancel it first).
 * Objects go first, so a fault part-way leaves the record to delete again. A folder output (local
 * mode) is the user's own folder: its files stay.
 */
export async function deleteJob(
  jobId: string | undefined,
  caller: Caller,
  deps: DeleteDeps,
): Promise<APIGatewayProxyResult> {
  const now = deps.clock();
  const found = await findOwnedJob(jobId, caller, deps.jobs, now);
  if (!found.ok) return found.response;
  const { record } = found;
  if (!isFinalStatus(record.status)) return notFinal(record, now);
  const objects = objectsWrittenBy(record.output);
  const hls = packageWrittenBy(record.output);
  if (hls) await deps.outputs.removePrefix(hls.bucket, hls.prefix);
  for (const object of objects) await deps.outputs.remove(object.location);
  if (!(await deps.jobs.remove(record.jobId))) {
    // Only a final job is removed, and nothing leaves a final status: it went meanwhile.
    return errorResponse(404, `Job ${record.jobId} not found`, now);
  }
  const answer: DeletedJob = {
    jobId: record.jobId,
    deleted: true,
    objects: [...objects.map((o) => o.s3Uri), ...(hls ? [hls.s3Uri] : [])],
  };
  return jsonResponse(200, answer);
}

function notFinal(record: JobRecord, now: Date): APIGatewayProxyResult {
  return errorResponse(
    409,
    `Job ${record.jobId} is ${record.status}; only a final job can be deleted (cancel it first)`,
    now,
    { status: record.status },
  );
}
