import { type JobOutput, type JobRecord, type JobView, parseS3Location, toJobView } from '@auto-vid/shared';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Clock } from '../clock.ts';
import type { JobStore } from '../jobs/job-store.ts';
import type { OutputStore, S3Location } from '../jobs/output-store.ts';
import { type Caller, findOwnedJob } from './owned-job.ts';
import { jsonResponse } from './responses.ts';

export interface StatusDeps {
  readonly jobs: Pick<JobStore, 'get'>;
  /** Signs the download URL of a completed job's output. */
  readonly outputs: Pick<OutputStore, 'presignGet'>;
  /** How long a download URL is asked to last (S3_PRESIGNED_URL_EXPIRATION), before the credentials' bound. */
  readonly presignSeconds: number;
  readonly clock: Clock;
}

/**
 * GET /status/{jobId} and GET /jobs/{jobId}: the job view (never `ttl`, the owner or the version
 * id), 404 when unknown or another key's, 400 before any lookup. The table is only read.
 */
export async function getJobStatus(
  jobId: string | undefined,
  deps: StatusDeps,
  caller?: Caller,
): Promise<APIGatewayProxyResult> {
  const found = await findOwnedJob(jobId, caller, deps.jobs, deps.clock());
  if (!found.ok) return found.response;
  return jsonResponse(200, await viewWithUrls(found.record, deps));
}

/**
 * The view of a record as clients get it: a completed job's S3 output and caption sidecars with
 * URLs signed for this answer.
 */
export async function viewWithUrls(record: JobRecord, deps: Omit<StatusDeps, 'jobs'>): Promise<JobView> {
  const now = deps.clock();
  const view = toJobView(record);
  const location = downloadableLocation(record);
  if (!location) return view;
  const output = await signAgain(view.output, location, deps, now);
  return { ...view, output: { ...output, captions: await signCaptions(record, deps, now) } };
}

/** Each caption sidecar in S3 signed again as the MP4 is, pinned to the version the job wrote. */
async function signCaptions(
  record: JobRecord,
  deps: Omit<StatusDeps, 'jobs'>,
  now: Date,
): Promise<JobOutput['captions']> {
  const captions = record.output.captions;
  if (!captions) return null;
  return Promise.all(
    captions.map(async ({ format, url, s3Uri, language, versionId }) => {
      const parsed = s3Uri ? parseS3Location(s3Uri, { requireKey: true }) : undefined;
      if (!parsed?.ok || parsed.source.kind !== 's3') return { format, url, s3Uri, language };
      const { bucket, key } = parsed.source;
      const signed = await deps.outputs.presignGet(versionId ? { bucket, key, versionId } : { bucket, key }, {
        seconds: deps.presignSeconds,
        now,
      });
      return { format, url: signed.url, s3Uri, language };
    }),
  );
}

/**
 * A new URL on every call, not only when the stored one nears its end: the stored one was signed
 * by the processor's credentials, which may have expired before the `urlExpiresAt` it states
 * (records written before the credentials' bound state a full S3_PRESIGNED_URL_EXPIRATION), and
 * this function cannot tell from here. Signing is a local HMAC, no call to S3, and the credentials
 * this function holds now are the only ones whose end it knows. The URL thus differs between calls.
 */
async function signAgain(
  output: JobOutput,
  location: S3Location,
  deps: Omit<StatusDeps, 'jobs'>,
  now: Date,
): Promise<JobOutput> {
  const signed = await deps.outputs.presignGet(location, { seconds: deps.presignSeconds, now });
  return { ...output, url: signed.url, urlExpiresAt: signed.expiresAt.toISOString() };
}

/** Where a completed job's output is in S3, with the version it wrote; none for a folder output. */
function downloadableLocation(record: JobRecord): S3Location | undefined {
  if (record.status !== 'completed' || !record.output.s3Uri) return undefined;
  const parsed = parseS3Location(record.output.s3Uri, { requireKey: true });
  if (!parsed.ok || parsed.source.kind !== 's3') return undefined;
  const { bucket, key } = parsed.source;
  const versionId = record.output.versionId ?? versionInUrl(record.output.url);
  return versionId ? { bucket, key, versionId } : { bucket, key };
}

/** Records written before the version id was kept still name it in the URL they were given. */
function versionInUrl(url: string | null): string | undefined {
  if (!url || !URL.canParse(url)) return undefined;
  return new URL(url).searchParams.get('versionId') ?? undefined;
}
