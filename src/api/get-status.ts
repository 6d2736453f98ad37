import { type JobOutput, type JobRecord, type JobView, parseS3Location, toJobView } from '@auto-vid/shared';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Clock } from '../clock.ts';
import type { JobStore } from '../jobs/job-store.ts';
import type { OutputStore, S3Location } from '../jobs/output-store.ts';
import { signedPlaybackUrl } from '../jobs/playback-token.ts';
import { type Caller, findOwnedJob } from './owned-job.ts';
import { jsonResponse } from './responses.ts';

export interface StatusDeps {
  readonly jobs: Pick<JobStore, 'get'>;
  /** Signs the download URL of a completed job's output. */
  readonly outputs: Pick<OutputStore, 'presignGet'>;
  /** How long a download URL is asked to last (S3_PRESIGNED_URL_EXPIRATION), before the credentials' bound. */
  readonly presignSeconds: number;
  readonly clock: Clock;
  /** The API's base URL as this request reached it: the HLS playback URL is signed on it. */
  readonly apiBaseUrl?: string;
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
  const sign = signer(deps, now);
  return {
    ...view,
    output: {
      ...output,
      captions: await signCaptions(record, sign),
      ...(await signDeliverables(record, output, sign)),
      hls: signPlayback(record, view.output.hls, deps, now),
    },
  };
}

/** Signs a stored `s3Uri` (and the version the job wrote) for this answer; null for a folder output. */
type Signer = (s3Uri: string | null, versionId: string | undefined) => Promise<string | null>;

function signer(deps: Omit<StatusDeps, 'jobs'>, now: Date): Signer {
  return async (s3Uri, versionId) => {
    const parsed = s3Uri ? parseS3Location(s3Uri, { requireKey: true }) : undefined;
    if (!parsed?.ok || parsed.source.kind !== 's3') return null;
    const { bucket, key } = parsed.source;
    const location = versionId ? { bucket, key, versionId } : { bucket, key };
    return (await deps.outputs.presignGet(location, { seconds: deps.presignSeconds, now })).url;
  };
}

/** The poster, thumbnails and MP4 renditions signed again as the MP4 is (the views, no versions). */
async function signDeliverables(
  record: JobRecord,
  output: JobOutput,
  sign: Signer,
): Promise<Pick<JobOutput, 'poster' | 'thumbnails' | 'renditions'>> {
  const { poster, thumbnails, renditions } = output;
  const stored = record.output;
  const again = async <T extends { readonly s3Uri: string | null; readonly url: string | null }>(
    file: T,
    versionId: string | undefined,
  ): Promise<T> => ({ ...file, url: (await sign(file.s3Uri, versionId)) ?? file.url });
  return {
    poster: poster ? await again(poster, stored.poster?.versionId) : null,
    thumbnails: thumbnails
      ? {
          ...thumbnails,
          sprite: await again(thumbnails.sprite, stored.thumbnails?.sprite.versionId),
          track: await again(thumbnails.track, stored.thumbnails?.track.versionId),
        }
      : null,
    renditions: renditions
      ? await Promise.all(
          renditions.map((rendition, index) =>
            // The source rendition is the MP4 itself, signed just now.
            rendition.source
              ? { ...rendition, url: output.url }
              : again(rendition, stored.renditions?.[index]?.versionId),
          ),
        )
      : null,
  };
}

/** The playback URL signed again on this answer's base URL with the job's key; as stored without one. */
function signPlayback(
  record: JobRecord,
  hls: JobOutput['hls'],
  deps: Omit<StatusDeps, 'jobs'>,
  now: Date,
): JobOutput['hls'] {
  const tokenKey = record.output.hls?.tokenKey;
  if (!hls || !tokenKey || !deps.apiBaseUrl) return hls;
  const signed = signedPlaybackUrl(tokenKey, {
    apiBaseUrl: deps.apiBaseUrl,
    jobId: record.jobId,
    presign: { seconds: deps.presignSeconds, now },
  });
  return { ...hls, ...signed };
}

/** Each caption sidecar in S3 signed again as the MP4 is, pinned to the version the job wrote. */
async function signCaptions(record: JobRecord, sign: Signer): Promise<JobOutput['captions']> {
  const captions = record.output.captions;
  if (!captions) return null;
  return Promise.all(
    captions.map(async ({ format, url, s3Uri, language, versionId }) => ({
      format,
      url: (await sign(s3Uri, versionId)) ?? url,
      s3Uri,
      language,
    })),
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
