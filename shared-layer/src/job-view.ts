import { z } from 'zod';
import { CAPTION_FORMATS } from './captions.ts';
import { POSTER_FORMATS } from './delivery.ts';

export const JOB_STATUSES = [
  'submitted',
  'processing',
  'retrying',
  'completed',
  'failed',
  'cancelled',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Statuses after which nothing happens to a job any more. `cancelled` is additive: a client asked. */
export const FINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['completed', 'failed', 'cancelled']);

/** Whether a job has ended (a final status), so it can be deleted and no longer cancelled. */
export function isFinalStatus(status: JobStatus): boolean {
  return FINAL_STATUSES.has(status);
}

/**
 * The output's audio as measured on the final file (ITU-R BS.1770 / EBU R128): integrated loudness
 * in LUFS, true peak in dBTP, loudness range in LU. Null where silence has none.
 */
export const audioLoudnessSchema = z
  .object({
    integratedLufs: z.number().nullable().describe('Integrated loudness, LUFS.'),
    truePeakDbtp: z.number().nullable().describe('True peak, dBTP.'),
    loudnessRange: z.number().nullable().describe('Loudness range, LU.'),
  })
  .describe("The output's audio measured on the final file (EBU R128); null where silence has none.");
export type AudioLoudness = z.infer<typeof audioLoudnessSchema>;

/**
 * One caption sidecar beside the MP4: its format, a presigned URL (signed again on every status
 * answer, lasting as long as the MP4's), where it is, and its language (BCP 47). `url` and `s3Uri`
 * are null for a folder output.
 */
export const captionFileSchema = z.object({
  format: z.enum(CAPTION_FORMATS),
  url: z
    .string()
    .nullable()
    .describe('Presigned GET, signed again on every answer; null for a folder output.'),
  s3Uri: z.string().nullable().describe('Where the sidecar is; null for a folder output.'),
  language: z.string().describe('BCP 47 language tag.'),
});
export type CaptionFile = z.infer<typeof captionFileSchema>;

const signedUrl = z
  .string()
  .nullable()
  .describe('Presigned GET, signed again on every answer; null for a folder output.');
const objectUri = z.string().nullable().describe('Where it is (s3://bucket/key); null for a folder output.');
const pixels = z.number().int().min(1);

/** An image the job made beside its MP4. */
export const deliveredImageSchema = z.object({
  url: signedUrl,
  s3Uri: objectUri,
  width: pixels,
  height: pixels,
  size: z.number().int().describe('Bytes.'),
});

export const posterViewSchema = deliveredImageSchema
  .extend({ format: z.enum(POSTER_FORMATS) })
  .describe('The poster image of a completed job that asked for one.');

export const thumbnailsViewSchema = z
  .object({
    sprite: deliveredImageSchema.describe('Every thumbnail on one JPEG sheet, row by row.'),
    track: z
      .object({ url: signedUrl, s3Uri: objectUri, size: z.number().int().describe('Bytes.') })
      .describe(
        'WebVTT: one cue per thumbnail naming the sheet with #xywh=. The sheet is named relative to the track, as a CDN or static host serves them.',
      ),
    interval: z.number().describe('Seconds between thumbnails.'),
    count: z.number().int().describe('Thumbnails on the sheet.'),
  })
  .describe('The thumbnail sheet and its WebVTT track, when the job asked for them.');

export const renditionViewSchema = z.object({
  source: z.boolean().describe('True for the main MP4 itself.'),
  url: signedUrl,
  s3Uri: objectUri,
  width: pixels,
  height: pixels,
  size: z.number().int().describe('Bytes.'),
  bitrate: z
    .string()
    .nullable()
    .describe('The video bitrate asked of the encode, e.g. 1200k; null for the source.'),
});

export const hlsVariantViewSchema = z.object({
  name: z.string().describe('source, or the height such as 720p: its playlist is <name>.m3u8.'),
  source: z.boolean().describe("True for the copied video (segments on the source's keyframes)."),
  width: pixels,
  height: pixels,
  frameRate: z.number(),
  codecs: z.string().describe('RFC 6381, as in the master playlist, e.g. avc1.64001f,mp4a.40.2.'),
  bandwidth: z.number().int().describe('Peak segment bits per second, audio included (BANDWIDTH).'),
  averageBandwidth: z.number().int().describe('Average bits per second, audio included (AVERAGE-BANDWIDTH).'),
});

export const hlsViewSchema = z
  .object({
    url: z
      .string()
      .nullable()
      .describe(
        'GET /jobs/{jobId}/hls/master.m3u8 with a signed token: plays the package from the private bucket, no API key needed; signed again on every answer. Null for a folder output.',
      ),
    urlExpiresAt: z.string().nullable().describe('When the token in `url` stops working (ISO 8601).'),
    s3Uri: objectUri.describe(
      'The master playlist in the bucket; its playlists name their files relatively.',
    ),
    cdnUrl: z
      .string()
      .nullable()
      .describe("The master playlist through the stack's public CloudFront distribution; null without one."),
    segmentSeconds: z.number().describe('The target segment length asked.'),
    variants: z.array(hlsVariantViewSchema),
  })
  .describe('The HLS package (fMP4 segments, one shared audio rendition), when the job asked for one.');

export const jobOutputSchema = z.object({
  url: z
    .string()
    .nullable()
    .describe(
      "A completed job's MP4: a presigned GET, signed again on every API answer (a webhook carries the processor's); null until then.",
    ),
  urlExpiresAt: z.string().nullable().describe('When `url` stops working (ISO 8601).'),
  s3Uri: z.string().nullable().describe('Where the MP4 is (s3://bucket/key); null until the job completes.'),
  duration: z.number().nullable().describe("The MP4's duration, seconds."),
  size: z.number().nullable().describe("The MP4's size, bytes."),
  /** Additive: null until the job completes. */
  audio: audioLoudnessSchema.nullable(),
  /** Additive: the caption sidecars of a completed job that asked for them; null otherwise. */
  captions: z
    .array(captionFileSchema)
    .nullable()
    .describe('The caption sidecars of a completed job that asked for them; null otherwise.'),
  /** Additive, as every field below: null unless a completed job asked for it. */
  poster: posterViewSchema.nullable(),
  thumbnails: thumbnailsViewSchema.nullable(),
  renditions: z
    .array(renditionViewSchema)
    .nullable()
    .describe('The MP4 renditions of a completed job that asked for them, in the order asked.'),
  hls: hlsViewSchema.nullable(),
});
export type JobOutput = z.infer<typeof jobOutputSchema>;

export const jobInfoSchema = z.object({
  projectId: z.string().optional(),
  title: z.string().optional(),
  tags: z.array(z.string()).optional(),
});

/** A chunked re-encode's chunks: how many, and how many are encoded. */
export const chunkCountSchema = z.object({
  total: z.number().int().min(1),
  done: z.number().int().min(0),
});
export type ChunkCount = z.infer<typeof chunkCountSchema>;

/** What clients see in the submit answer, the status answer and webhook bodies. */
export const jobViewSchema = z.object({
  jobId: z.string().describe("The job's UUID."),
  status: z
    .enum(JOB_STATUSES)
    .describe('completed, failed and cancelled are final; retrying means a transient fault will be retried.'),
  submittedAt: z.string().describe('ISO 8601.'),
  updatedAt: z.string().describe('ISO 8601.'),
  completedAt: z.string().nullable().describe('ISO 8601, once the job is final.'),
  processingTime: z.number().nullable().describe("Seconds from the render's start to its end."),
  output: jobOutputSchema,
  error: z.string().nullable().describe('Why a failed job failed; null otherwise.'),
  jobInfo: jobInfoSchema,
  /** Additive: 0-100 while the job renders. */
  progress: z.number().min(0).max(100).optional().describe('0-100, only while the job is processing.'),
  /** Additive: only for a job whose re-encode was split into chunks. */
  chunks: chunkCountSchema
    .optional()
    .describe(
      'For a re-encode split into chunks encoded in parallel: how many there are and how many are encoded. Present while the job runs and after it ends.',
    ),
});
export type JobView = z.infer<typeof jobViewSchema>;

/**
 * The record's `output`: the view's, plus the S3 version the job wrote (in a versioned bucket), so a
 * URL signed later still serves this job's bytes. Never shown to a client.
 */
const versioned = { versionId: z.string().optional() };

export const storedOutputSchema = jobOutputSchema.extend({
  versionId: z.string().optional(),
  // Records written before these fields existed have none.
  audio: audioLoudnessSchema.nullable().default(null),
  captions: z.array(captionFileSchema.extend(versioned)).nullable().default(null),
  poster: posterViewSchema.extend(versioned).nullable().default(null),
  thumbnails: thumbnailsViewSchema
    .extend({
      sprite: deliveredImageSchema.extend(versioned),
      track: thumbnailsViewSchema.shape.track.extend(versioned),
    })
    .nullable()
    .default(null),
  renditions: z.array(renditionViewSchema.extend(versioned)).nullable().default(null),
  hls: hlsViewSchema
    .extend({
      /** The key the playback token is signed with: the job's own, so deleting the job revokes it. */
      tokenKey: z.string().optional(),
    })
    .nullable()
    .default(null),
});
export type StoredOutput = z.infer<typeof storedOutputSchema>;

/**
 * One try at delivering a job's webhook: when it began, the receiver's HTTP status or the error met,
 * and how long it took in milliseconds. `webhookId` is the same on every attempt of a notification.
 */
export const webhookAttemptSchema = z.object({
  webhookId: z.string().describe('The `webhook-id` header: the same on every attempt of a notification.'),
  attempt: z.number().int().min(1),
  at: z.string().describe('When the attempt began (ISO 8601).'),
  statusCode: z.number().int().nullable().describe("The receiver's HTTP status; null when none came."),
  error: z.string().nullable().describe('What went wrong; null for a delivered attempt.'),
  durationMs: z.number().int().min(0),
  delivered: z.boolean().describe('True when the receiver answered 2xx.'),
});
export type WebhookAttempt = z.infer<typeof webhookAttemptSchema>;

/** Where a job's webhook goes, kept with the job so a cancel or a redelivery can send it. */
export const storedWebhookSchema = z.object({
  url: z.string(),
  method: z.enum(['POST', 'PUT']),
  headers: z.record(z.string(), z.string()),
  metadata: z.record(z.string(), z.unknown()),
});
export type StoredWebhook = z.infer<typeof storedWebhookSchema>;

/** The DynamoDB item: the job view plus `ttl` and bookkeeping that never reaches a client. */
export const jobRecordSchema = jobViewSchema.extend({
  output: storedOutputSchema,
  ttl: z.number().int(),
  /**
   * The API key id that submitted the job (API Gateway's `identity.apiKeyId`); only it sees the job.
   * Records written before keys owned jobs have none and stay visible to every key.
   */
  owner: z.string().optional(),
  /** Title and projectId in lower case, for `GET /jobs?q=`. */
  search: z.string().optional(),
  /** The spec's webhook, for a cancel or a redelivery (never shown: its headers may hold secrets). */
  webhook: storedWebhookSchema.optional(),
  /** Every webhook attempt, oldest first. */
  deliveries: z.array(webhookAttemptSchema).optional(),
  /** How many times a processor has claimed the job. */
  attempts: z.number().int().min(0).optional(),
  /** Epoch ms until which the current claim holds; past it, a redelivered message may take over. */
  leaseUntil: z.number().int().optional(),
  /** The chunks of a chunked re-encode already counted, by index (`c0`, `c1`, …): each counts once. */
  chunksDone: z.record(z.string(), z.boolean()).optional(),
  /** Epoch ms until which one chunk encoder holds the join of the chunks; past it, another may. */
  joinLeaseUntil: z.number().int().optional(),
});
export type JobRecord = z.infer<typeof jobRecordSchema>;

/** The delivery fields of an output that has none (not asked, or not yet made). */
export const NO_DELIVERABLES = { poster: null, thumbnails: null, renditions: null, hls: null } as const;

export const EMPTY_OUTPUT: JobOutput = {
  url: null,
  urlExpiresAt: null,
  s3Uri: null,
  duration: null,
  size: null,
  audio: null,
  captions: null,
  ...NO_DELIVERABLES,
};

/** Only the view's output fields, each present (null until known). */
function toViewOutput(output: StoredOutput | undefined): JobOutput {
  const known = { ...EMPTY_OUTPUT, ...output };
  return {
    url: known.url,
    urlExpiresAt: known.urlExpiresAt,
    s3Uri: known.s3Uri,
    duration: known.duration,
    size: known.size,
    audio: known.audio ?? null,
    captions:
      known.captions?.map(({ format, url, s3Uri, language }) => ({ format, url, s3Uri, language })) ?? null,
    ...deliverablesView(known),
  };
}

/** The stored deliverables without what the record alone keeps (versions, the token key). */
function deliverablesView(
  output: Partial<StoredOutput>,
): Pick<JobOutput, 'poster' | 'thumbnails' | 'renditions' | 'hls'> {
  const { poster, thumbnails, renditions, hls } = output;
  const image = ({ url, s3Uri, width, height, size }: z.infer<typeof deliveredImageSchema>) => ({
    url,
    s3Uri,
    width,
    height,
    size,
  });
  return {
    poster: poster ? { ...image(poster), format: poster.format } : null,
    thumbnails: thumbnails
      ? {
          sprite: image(thumbnails.sprite),
          track: { url: thumbnails.track.url, s3Uri: thumbnails.track.s3Uri, size: thumbnails.track.size },
          interval: thumbnails.interval,
          count: thumbnails.count,
        }
      : null,
    renditions:
      renditions?.map(({ source, url, s3Uri, width, height, size, bitrate }) => ({
        source,
        url,
        s3Uri,
        width,
        height,
        size,
        bitrate,
      })) ?? null,
    hls: hls
      ? {
          url: hls.url,
          urlExpiresAt: hls.urlExpiresAt,
          s3Uri: hls.s3Uri,
          cdnUrl: hls.cdnUrl,
          segmentSeconds: hls.segmentSeconds,
          variants: hls.variants,
        }
      : null,
  };
}

/** Builds the client-facing view of a record: only the view's fields, `output` always complete. */
export function toJobView(record: JobRecord): JobView {
  return {
    jobId: record.jobId,
    status: record.status,
    submittedAt: record.submittedAt,
    updatedAt: record.updatedAt,
    completedAt: record.completedAt ?? null,
    processingTime: record.processingTime ?? null,
    output: toViewOutput(record.output),
    error: record.error ?? null,
    jobInfo: record.jobInfo ?? {},
    ...progressOf(record),
    ...(record.chunks ? { chunks: { total: record.chunks.total, done: record.chunks.done } } : {}),
  };
}

/**
 * The progress bar of a chunked re-encode: the split (downloads, speech, the audio) fills the first
 * 15%, the chunks the next 80% in equal steps as each is counted, the join the rest.
 */
export const CHUNKED_PROGRESS = { from: 15, share: 80 } as const;

/**
 * 0-100 while processing: what the render wrote, or for a chunked re-encode what its count of
 * encoded chunks says (one update counts a chunk, so the two never disagree).
 */
function progressOf(record: JobRecord): Pick<JobView, 'progress'> {
  if (record.status !== 'processing') return {};
  const { chunks } = record;
  const counted = chunks
    ? CHUNKED_PROGRESS.from + Math.floor((CHUNKED_PROGRESS.share * chunks.done) / chunks.total)
    : undefined;
  const progress = Math.max(record.progress ?? -1, counted ?? -1);
  return progress >= 0 ? { progress } : {};
}

/** A new record in status `submitted`, expiring `ttlSeconds` after `now`. */
export function createJobRecord(input: {
  jobId: string;
  jobInfo: JobView['jobInfo'] | undefined;
  now: Date;
  ttlSeconds: number;
  owner?: string;
  webhook?: StoredWebhook;
}): JobRecord {
  const at = input.now.toISOString();
  const search = searchTextOf(input.jobInfo ?? {});
  return {
    ...(input.owner === undefined ? {} : { owner: input.owner }),
    ...(input.webhook === undefined ? {} : { webhook: input.webhook }),
    ...(search === '' ? {} : { search }),
    jobId: input.jobId,
    status: 'submitted',
    submittedAt: at,
    updatedAt: at,
    completedAt: null,
    processingTime: null,
    output: { ...EMPTY_OUTPUT },
    error: null,
    jobInfo: input.jobInfo ?? {},
    ttl: Math.floor(input.now.getTime() / 1000) + input.ttlSeconds,
  };
}

/** What `GET /jobs?q=` searches: the title and the projectId, lower-cased (case-insensitive match). */
export function searchTextOf(jobInfo: JobView['jobInfo']): string {
  return [jobInfo.title, jobInfo.projectId]
    .filter((text) => text !== undefined && text !== '')
    .join('\n')
    .toLowerCase();
}

/** Seconds between two instants, rounded to 2 decimals as the job view carries them. */
export function measureProcessingTime(startedAt: Date, finishedAt: Date): number {
  return Math.round((finishedAt.getTime() - startedAt.getTime()) / 10) / 100;
}

/** The SQS message body, as the old service sent it. */
export const jobMessageSchema = z.object({
  jobId: z.string(),
  jobSpec: z.unknown(),
  submittedAt: z.string(),
});
export type JobMessage = z.infer<typeof jobMessageSchema>;
