import type { APIGatewayProxyResult } from 'aws-lambda';
import { z } from 'zod';
import type { JobCursor, JobQuery, JobStore } from '../jobs/job-store.ts';
import { type JobList, listQuerySchema } from './api-schemas.ts';
import { type StatusDeps, viewWithUrls } from './get-status.ts';
import type { Caller } from './owned-job.ts';
import { errorResponse, jsonResponse } from './responses.ts';

const cursorSchema = z.object({
  jobId: z.uuid(),
  owner: z.string().min(1),
  submittedAt: z.iso.datetime(),
});

/**
 * GET /jobs: the caller's jobs, newest first, filtered by status, projectId, tag and a
 * case-insensitive search in the title and projectId, a page of at most `limit` (≤ 100) at a time.
 * Each view is the one GET /status gives, URLs signed. A page may hold fewer than `limit` jobs while
 * `nextCursor` is not null (a rare filter: see MAX_ITEMS_READ_PER_PAGE); only null ends the list.
 */
export async function listJobs(
  parameters: Readonly<Record<string, string | undefined>> | null,
  caller: Caller,
  deps: StatusDeps & { readonly jobs: Pick<JobStore, 'list'> },
): Promise<APIGatewayProxyResult> {
  const now = deps.clock();
  const parsed = listQuerySchema.safeParse(parameters ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return errorResponse(400, `Invalid query parameter '${String(issue?.path[0])}': ${issue?.message}`, now);
  }
  const { cursor, q, ...filters } = parsed.data;
  const after = cursor === undefined ? undefined : readCursor(cursor, caller);
  if (after === null)
    return errorResponse(400, 'Invalid cursor: pass nextCursor from a GET /jobs answer', now);
  if (caller === undefined) return jsonResponse(200, { jobs: [], nextCursor: null } satisfies JobList);
  const query: JobQuery = { ...filters, ...(q ? { q: q.toLowerCase() } : {}), ...(after ? { after } : {}) };
  const page = await deps.jobs.list(caller, query);
  const jobs = await Promise.all(page.records.map((record) => viewWithUrls(record, deps)));
  return jsonResponse(200, { jobs, nextCursor: page.next ? writeCursor(page.next) : null } satisfies JobList);
}

/** The cursor handed out: the last job's keys, base64url-encoded JSON. */
function writeCursor(cursor: JobCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/** The keys a cursor names, or null when it is not one of ours or another key's. */
function readCursor(cursor: string, caller: Caller): JobCursor | null {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success && parsed.data.owner === caller ? parsed.data : null;
  } catch {
    return null;
  }
}
