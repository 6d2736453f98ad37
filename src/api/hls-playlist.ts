import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Clock } from '../clock.ts';
import { packageWrittenBy } from '../jobs/job-objects.ts';
import type { JobStore } from '../jobs/job-store.ts';
import type { OutputStore } from '../jobs/output-store.ts';
import { checkPlaybackToken } from '../jobs/playback-token.ts';
import { findJob } from './owned-job.ts';
import { errorResponse } from './responses.ts';

export interface PlaybackDeps {
  readonly jobs: Pick<JobStore, 'get'>;
  readonly outputs: Pick<OutputStore, 'presignGet' | 'readText'>;
  /** How long the segment URLs in an answered playlist are asked to last (S3_PRESIGNED_URL_EXPIRATION). */
  readonly presignSeconds: number;
  readonly clock: Clock;
}

/** A playlist larger than this is not one this service wrote (an hour at 1 s segments is ~60 KB). */
const MAX_PLAYLIST_BYTES = 1024 * 1024;
/** The playlists of a package: the master, `source`, `audio`, or a height such as `720p`. */
const PLAYLIST_NAME = /^(master|source|audio|[1-9][0-9]{2,3}p)\.m3u8$/;
/** The files a media playlist names: its init segment and numbered segments. */
const MEDIA_FILE = /^(source|audio|[1-9][0-9]{2,3}p)_(init\.mp4|[0-9]{5,}\.m4s)$/;

/** Players send no key; the token is the only credential, and no cookie is read. */
const PLAYLIST_HEADERS = {
  'Content-Type': 'application/vnd.apple.mpegurl',
  // The answer holds presigned URLs made for this request: for this player only, not for caches.
  'Cache-Control': 'private, max-age=60',
} as const;

/** Every answer, a refusal too, readable by a player on any origin (hls.js reads the status). */
function anyOrigin(response: APIGatewayProxyResult): APIGatewayProxyResult {
  return { ...response, headers: { ...response.headers, 'Access-Control-Allow-Origin': '*' } };
}

/**
 * GET /jobs/{jobId}/hls/{playlist}?token=…: a completed job's HLS playlist with every URI made
 * playable from the private bucket. The master names each variant's playlist on this route with
 * the same token; a media playlist names each segment by a presigned URL. The token (signed with
 * the job's own key, expiring) stands for the API key, which players cannot send: 403 without a
 * valid one, 404 for a job or playlist that is not there.
 */
export async function servePlaylist(
  jobId: string | undefined,
  playlist: string | undefined,
  token: string | undefined,
  deps: PlaybackDeps,
): Promise<APIGatewayProxyResult> {
  return anyOrigin(await answerPlaylist(jobId, playlist, token, deps));
}

async function answerPlaylist(
  jobId: string | undefined,
  playlist: string | undefined,
  token: string | undefined,
  deps: PlaybackDeps,
): Promise<APIGatewayProxyResult> {
  const now = deps.clock();
  if (!playlist || !PLAYLIST_NAME.test(playlist)) {
    return errorResponse(
      404,
      `No playlist ${playlist ?? ''}: expected master.m3u8 or a variant's playlist`,
      now,
    );
  }
  if (!token) {
    return errorResponse(403, 'Missing token: use the output.hls.url a job view gives, token included', now);
  }
  const found = await findJob(jobId, deps.jobs, now);
  if (!found.ok) return found.response;
  const { record } = found;
  const hls = record.output.hls;
  const folder = packageWrittenBy(record.output);
  if (record.status !== 'completed' || !hls?.tokenKey || !folder) {
    return errorResponse(404, `Job ${record.jobId} has no HLS package`, now);
  }
  const check = checkPlaybackToken(hls.tokenKey, record.jobId, token, now);
  if (!check.ok) {
    const why =
      check.reason === 'expired'
        ? 'The playback token has expired: GET the job again for a new output.hls.url'
        : 'The playback token is not valid for this job';
    return errorResponse(403, why, now);
  }
  const name = playlist.slice(0, -'.m3u8'.length);
  const names = new Set(['master', ...hls.variants.map((v) => v.name), 'audio']);
  if (!names.has(name)) return errorResponse(404, `Job ${record.jobId} has no playlist ${playlist}`, now);
  const text = await deps.outputs
    .readText({ bucket: folder.bucket, key: `${folder.prefix}${playlist}` }, MAX_PLAYLIST_BYTES)
    .catch((error: unknown) => {
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    });
  if (text === undefined) return errorResponse(404, `Job ${record.jobId} has no playlist ${playlist}`, now);
  const body =
    name === 'master'
      ? withToken(text, token)
      : await withSignedUris(text, (file) =>
          deps.outputs
            .presignGet(
              { bucket: folder.bucket, key: `${folder.prefix}${file}` },
              { seconds: deps.presignSeconds, now },
            )
            .then((signed) => signed.url),
        );
  return { statusCode: 200, headers: { ...PLAYLIST_HEADERS }, body };
}

/** The master: each playlist it names (relative, on this route) with the token appended. */
export function withToken(master: string, token: string): string {
  const tokened = (uri: string) =>
    PLAYLIST_NAME.test(uri) ? `${uri}?token=${encodeURIComponent(token)}` : uri;
  return master
    .split('\n')
    .map((line) => {
      if (line.startsWith('#EXT-X-MEDIA:'))
        return line.replace(/URI="([^"]*)"/, (_, uri: string) => `URI="${tokened(uri)}"`);
      return line && !line.startsWith('#') ? tokened(line.trim()) : line;
    })
    .join('\n');
}

/** A media playlist: its init segment and every segment as a presigned URL; anything else left out. */
export async function withSignedUris(
  playlist: string,
  sign: (file: string) => Promise<string>,
): Promise<string> {
  const lines = playlist.split('\n');
  const signed = await Promise.all(
    lines.map(async (line) => {
      if (line.startsWith('#EXT-X-MAP:')) {
        const uri = /URI="([^"]*)"/.exec(line)?.[1];
        return uri && MEDIA_FILE.test(uri)
          ? line.replace(`URI="${uri}"`, `URI="${await sign(uri)}"`)
          : undefined;
      }
      if (!line || line.startsWith('#')) return line;
      const file = line.trim();
      return MEDIA_FILE.test(file) ? sign(file) : undefined;
    }),
  );
  return signed.filter((line) => line !== undefined).join('\n');
}
