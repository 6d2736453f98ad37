import { z } from 'zod';
import { CAPTION_FORMATS } from './captions.ts';

export const JOB_STATUSES = ['submitted', 'processing', 'retrying', 'completed', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Statuses after which nothing happens to a job any more. */
export const FINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['completed', 'failed']);

/**
 * The output's audio as measured on the final file (ITU-R BS.1770 / EBU R128): integrated loudness
 * in LUFS, true peak in dBTP, loudness range in LU. Null where silence has none.
 */
export const audioLoudnessSchema = z.object({
  integratedLufs: z.number().nullable(),
  truePeakDbtp: z.number().nullable(),
  loudnessRange: z.number().nullable(),
});
export type AudioLoudness = z.infer<typeof audioLoudnessSchema>;

/**
 * One caption sidecar beside the MP4: its format, a presigned URL (signed again on every status
 * answer, lasting as long as the MP4's), where it is, and its language (BCP 47). `url` and `s3Uri`
 * are null for a folder output.
 */
export const captionFileSchema = z.object({
  format: z.enum(CAPTION_FORMATS),
  url: z.string().nullable(),
  s3Uri: z.string().nullable(),
  language: z.string(),
});
export type CaptionFile = z.infer<typeof captionFileSchema>;

export const jobOutputSchema = z.object({
  url: z.string().nullable(),
  urlExpiresAt: z.string().nullable(),
  s3Uri: z.string().nullable(),
  duration: z.number().nullable(),
  size: z.number().nullable(),
  /** Additive: null until the job completes. */
  audio: audioLoudnessSchema.nullable(),
  /** Additive: the caption sidecars of a completed job that asked for them; null otherwise. */
  captions: z.array(captionFileSchema).nullable(),
});
export type JobOutput = z.infer<typeof jobOutputSchema>;

export const jobInfoSchema = z.object({
  projectId: z.string().optional(),
  title: z.string().optional(),
  tags: z.array(z.string()).optional(),
});

/** What clients see in the submit answer, the status answer and webhook bodies. */
export const jobViewSchema = z.object({
  jobId: z.string(),
  status: z.enum(JOB_STATUSES),
  submittedAt: z.string(),
  updatedAt: z.string(),
  completedAt: z.string().nullable(),
  processingTime: z.number().nullable(),
  output: jobOutputSchema,
  error: z.string().nullable(),
  jobInfo: jobInfoSchema,
  /** Additive: 0-100 while the job renders. */
  progress: z.number().min(0).max(100).optional(),
});
export type JobView = z.infer<typeof jobViewSchema>;

/**
 * The record's `output`: the view's, plus the S3 version the job wrote (in a versioned bucket), so a
 * URL signed later still serves this job's bytes. Never shown to a client.
 */
export const storedOutputSchema = jobOutputSchema.extend({
  versionId: z.string().optional(),
  // Records written before these fields existed have none.
  audio: audioLoudnessSchema.nullable().default(null),
  captions: z
    .array(captionFileSchema.extend({ versionId: z.string().optional() }))
    .nullable()
    .default(null),
});
export type StoredOutput = z.infer<typeof storedOutputSchema>;

/** The DynamoDB item: the job view plus `ttl` and bookkeeping that never reaches a client. */
export const jobRecordSchema = jobViewSchema.extend({
  output: storedOutputSchema,
  ttl: z.number().int(),
  /** How many times a processor has claimed the job. */
  attempts: z.number().int().min(0).optional(),
  /** Epoch ms until which the current claim holds; past it, a redelivered message may take over. */
  leaseUntil: z.number().int().optional(),
});
export type JobRecord = z.infer<typeof jobRecordSchema>;

export const EMPTY_OUTPUT: JobOutput = {
  url: null,
  urlExpiresAt: null,
  s3Uri: null,
  duration: null,
  size: null,
  audio: null,
  captions: null,
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
    ...(record.status === 'processing' && record.progress !== undefined ? { progress: record.progress } : {}),
  };
}

/** A new record in status `submitted`, expiring `ttlSeconds` after `now`. */
export function createJobRecord(input: {
  jobId: string;
  jobInfo: JobView['jobInfo'] | undefined;
  now: Date;
  ttlSeconds: number;
}): JobRecord {
  const at = input.now.toISOString();
  return {
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
