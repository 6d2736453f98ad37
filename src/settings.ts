import { readWebhookSizeLimits, type WebhookSizeLimits } from '@auto-vid/shared';
import { z } from 'zod';
import {
  DEFAULT_MAX_DOWNLOAD_BYTES,
  DEFAULT_MAX_UPLOAD_BYTES,
  DEFAULT_MEDIA_LIMITS,
  type MediaLimits,
} from './policy/media-limits.ts';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * How long temporary credentials are taken to last when the SDK is not told their expiry, seconds.
 * S3 refuses a presigned URL once the credentials that signed it expire, whatever expiry the URL
 * asks for. Lambda hands a function its role session in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
 * and AWS_SESSION_TOKEN with no expiry, and does not promise the role's session duration, so a URL
 * signed there is promised only this long. An hour by default (STS's default session length); raise
 * it only where the signer's sessions are known to outlive it.
 */
export const DEFAULT_PRESIGN_CREDENTIALS_SECONDS = 3_600;

/** Every setting the handlers read, with the old contract's names and defaults (docs/compatibility.md). */
const environmentSchema = z.object({
  S3_BUCKET_NAME: z.string().min(1).optional(),
  DYNAMODB_JOBS_TABLE: z.string().min(1).optional(),
  SQS_JOB_QUEUE_URL: z.string().min(1).optional(),
  IDEMPOTENCY_TABLE: z.string().min(1).optional(),
  DYNAMODB_JOBS_TTL_SECONDS: positiveInt(604_800),
  S3_PRESIGNED_URL_EXPIRATION: positiveInt(86_400),
  UPLOAD_URL_EXPIRATION: positiveInt(3_600),
  /** Bound on a download URL signed with credentials of unknown expiry (DEFAULT_PRESIGN_CREDENTIALS_SECONDS). */
  PRESIGN_CREDENTIALS_SECONDS: positiveInt(DEFAULT_PRESIGN_CREDENTIALS_SECONDS),
  /** Buckets `output.destination` may name, comma-separated; the stack's bucket by default. */
  ALLOWED_OUTPUT_BUCKETS: z.string().optional(),
  /** Largest http(s) asset, bytes. */
  MAX_ASSET_BYTES: positiveInt(DEFAULT_MAX_DOWNLOAD_BYTES),
  /** Largest file a POST /uploads URL admits, bytes (S3 takes at most 5 GB in one PUT). */
  MAX_UPLOAD_BYTES: positiveInt(DEFAULT_MAX_UPLOAD_BYTES),
  /** What one render may read (src/processor/render/media-limits.ts). */
  MAX_VIDEO_PIXELS: positiveInt(DEFAULT_MEDIA_LIMITS.maxVideoPixels),
  MAX_VIDEO_SECONDS: positiveInt(DEFAULT_MEDIA_LIMITS.maxVideoSeconds),
  MAX_VIDEO_FPS: positiveInt(DEFAULT_MEDIA_LIMITS.maxVideoFps),
  MAX_STREAMS_PER_FILE: positiveInt(DEFAULT_MEDIA_LIMITS.maxStreamsPerFile),
  MAX_AUDIO_SECONDS: positiveInt(DEFAULT_MEDIA_LIMITS.maxAudioSeconds),
  /** Standard Webhooks secret, from Secrets Manager on AWS … */
  WEBHOOK_SECRET_ARN: z.string().min(1).optional(),
  /** … or given directly (the local stack). */
  WEBHOOK_SECRET: z.string().min(1).optional(),
  /** The local stack's own ports, comma-separated: never a webhook's or an asset's target. */
  AUTO_VID_STACK_PORTS: z
    .string()
    .regex(/^\d+(,\d+)*$/)
    .optional(),
  /** File-path sources and loopback targets: the CLI and the local stack only. */
  AUTO_VID_LOCAL_MODE: z.enum(['true', 'false']).default('false'),
  /** Speech engine: Amazon Polly on AWS, espeak-ng on one machine. */
  SPEECH_ENGINE: z.enum(['polly', 'espeak']).default('polly'),
  /** The folder of the fonts burned-in captions use (the processor image sets /opt/fonts). */
  CAPTION_FONTS_DIR: z.string().min(1).optional(),
  /** Time kept back from the Lambda's remaining time to record the outcome after a cut render. */
  RENDER_DEADLINE_MARGIN_MS: positiveInt(60_000),
  /** Where final notifications wait for the webhook delivery function, and where they end unsent. */
  SQS_WEBHOOK_QUEUE_URL: z.string().min(1).optional(),
  SQS_WEBHOOK_DLQ_URL: z.string().min(1).optional(),
  /** Multiplies every webhook retry delay (`auto-vid dev --webhook-delay-scale`); 1 on AWS. */
  WEBHOOK_DELAY_SCALE: z.coerce.number().positive().max(1000).default(1),
  /** How often a render looks for a cancel of its job, milliseconds. */
  CANCEL_CHECK_MS: positiveInt(2_000),
  /**
   * The API's base URL as clients call it (the processor's webhook carries an HLS playback URL on
   * it); the API's own functions take it from each request instead.
   */
  PUBLIC_API_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** The public CloudFront distribution in front of outputs/ (template parameter PublicCdn); empty: none. */
  CDN_BASE_URL: z.union([z.literal(''), z.url({ protocol: /^https$/ })]).optional(),
  /** Browser origins the API answers, comma-separated, or `*` (template parameter CorsAllowedOrigin). */
  CORS_ALLOWED_ORIGINS: z.string().optional(),
  /** Where the processor queues the chunks of a long re-encode; unset or empty: no chunking. */
  CHUNK_QUEUE_URL: z.string().optional(),
  /** Re-encodes of videos longer than this many seconds are chunked (template ChunkThresholdSeconds). */
  CHUNK_THRESHOLD_SECONDS: z.coerce.number().positive().default(300),
  /** Target length of one chunk in seconds (template ChunkSeconds). */
  CHUNK_SECONDS: z.coerce.number().positive().default(60),
});

export interface Settings {
  readonly bucket: string | undefined;
  readonly jobsTable: string | undefined;
  readonly queueUrl: string | undefined;
  readonly idempotencyTable: string | undefined;
  readonly jobTtlSeconds: number;
  readonly presignSeconds: number;
  /** How long signing credentials of unknown expiry are taken to last. */
  readonly presignCredentialsSeconds: number;
  readonly uploadUrlSeconds: number;
  readonly webhookSecretArn: string | undefined;
  readonly webhookSecret: string | undefined;
  readonly localMode: boolean;
  /** Loopback ports of the local stack itself (local mode only). */
  readonly stackPorts: readonly number[];
  readonly deadlineMarginMs: number;
  readonly speechEngine: 'polly' | 'espeak';
  readonly limits: WebhookSizeLimits;
  readonly outputBuckets: readonly string[];
  readonly maxAssetBytes: number;
  readonly maxUploadBytes: number;
  readonly mediaLimits: MediaLimits;
  /** Where burned-in captions' fonts are read; the renderer's default (Debian's DejaVu folder) when unset. */
  readonly fontsDirectory: string | undefined;
  readonly webhookQueueUrl: string | undefined;
  readonly webhookDeadLetterUrl: string | undefined;
  readonly webhookDelayScale: number;
  readonly cancelCheckMs: number;
  readonly publicApiUrl: string | undefined;
  readonly cdnBaseUrl: string | undefined;
  /** Origins named in the API's Access-Control-Allow-Origin (`*` among them: any); none when unset. */
  readonly allowedOrigins: readonly string[];
  /** Long re-encodes split into chunks; undefined when no chunk queue is set. */
  readonly chunking:
    | { readonly queueUrl: string; readonly thresholdSeconds: number; readonly chunkSeconds: number }
    | undefined;
}

/** A comma-separated setting's entries, trimmed, the empty ones dropped. */
const listOf = (text: string): string[] =>
  text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid environment: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  return {
    bucket: e.S3_BUCKET_NAME,
    jobsTable: e.DYNAMODB_JOBS_TABLE,
    queueUrl: e.SQS_JOB_QUEUE_URL,
    idempotencyTable: e.IDEMPOTENCY_TABLE,
    jobTtlSeconds: e.DYNAMODB_JOBS_TTL_SECONDS,
    presignSeconds: e.S3_PRESIGNED_URL_EXPIRATION,
    presignCredentialsSeconds: e.PRESIGN_CREDENTIALS_SECONDS,
    uploadUrlSeconds: e.UPLOAD_URL_EXPIRATION,
    webhookSecretArn: e.WEBHOOK_SECRET_ARN,
    webhookSecret: e.WEBHOOK_SECRET,
    localMode: e.AUTO_VID_LOCAL_MODE === 'true',
    stackPorts: (e.AUTO_VID_STACK_PORTS ?? '').split(',').filter(Boolean).map(Number),
    deadlineMarginMs: e.RENDER_DEADLINE_MARGIN_MS,
    speechEngine: e.SPEECH_ENGINE,
    limits: readWebhookSizeLimits(env),
    outputBuckets: listOf(e.ALLOWED_OUTPUT_BUCKETS ?? e.S3_BUCKET_NAME ?? ''),
    maxAssetBytes: e.MAX_ASSET_BYTES,
    maxUploadBytes: e.MAX_UPLOAD_BYTES,
    fontsDirectory: e.CAPTION_FONTS_DIR,
    webhookQueueUrl: e.SQS_WEBHOOK_QUEUE_URL,
    webhookDeadLetterUrl: e.SQS_WEBHOOK_DLQ_URL,
    webhookDelayScale: e.WEBHOOK_DELAY_SCALE,
    cancelCheckMs: e.CANCEL_CHECK_MS,
    publicApiUrl: e.PUBLIC_API_URL,
    cdnBaseUrl: e.CDN_BASE_URL || undefined,
    allowedOrigins: listOf(e.CORS_ALLOWED_ORIGINS ?? ''),
    chunking: e.CHUNK_QUEUE_URL
      ? {
          queueUrl: e.CHUNK_QUEUE_URL,
          thresholdSeconds: e.CHUNK_THRESHOLD_SECONDS,
          chunkSeconds: e.CHUNK_SECONDS,
        }
      : undefined,
    mediaLimits: {
      maxVideoPixels: e.MAX_VIDEO_PIXELS,
      maxVideoSeconds: e.MAX_VIDEO_SECONDS,
      maxVideoFps: e.MAX_VIDEO_FPS,
      maxStreamsPerFile: e.MAX_STREAMS_PER_FILE,
      maxAudioSeconds: e.MAX_AUDIO_SECONDS,
    },
  };
}

/** A setting a handler cannot run without; a clear message at cold start, not a later TypeError. */
export function required(value: string | undefined, name: string): string {
  if (!value) throw new Error(`Environment variable ${name} is not set`);
  return value;
}
