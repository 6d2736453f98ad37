import { JOB_STATUSES, jobViewSchema, webhookAttemptSchema } from '@auto-vid/shared';
import { z } from 'zod';

// The bodies of the API beyond the job spec, the job view and the job plan (shared-layer): what
// the use-cases answer and what docs/openapi.json publishes. The use-cases type their answers with
// these, so the document cannot say one thing while a route does another.

/** One problem of a request, the field as its JSON path (array indexes as numbers). */
export const problemSchema = z.object({
  path: z
    .array(z.union([z.string(), z.number().int()]))
    .describe('The field, e.g. ["timeline", 2, "start"].'),
  message: z.string(),
});

/** Every error the functions answer: the old contract's `{error, timestamp}` plus additive fields. */
export const errorBodySchema = z.object({
  error: z.string().describe('What went wrong, naming the field when a field is at fault.'),
  timestamp: z.string().describe('ISO 8601.'),
  details: z.array(problemSchema).optional().describe('Each problem of a 400, one per field.'),
  status: z.enum(JOB_STATUSES).optional().describe("A 409's job status."),
  jobId: z.string().optional().describe('The job a 500 recorded as failed.'),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** What API Gateway itself answers before any function runs: a missing key (403), a usage plan (429), a body over 10 MB (413). */
export const gatewayErrorSchema = z.object({
  message: z
    .string()
    .describe(
      'Forbidden, Missing Authentication Token, Too Many Requests, Limit Exceeded, Request Too Long.',
    ),
});

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

const filterText = z.string().min(1).max(256);

/** GET /jobs's query parameters; unknown ones are ignored, as everywhere in the API. */
export const listQuerySchema = z.object({
  status: z.enum(JOB_STATUSES).optional().describe('Only jobs in this status.'),
  projectId: filterText.optional().describe('Only jobs whose jobInfo.projectId is exactly this.'),
  tag: filterText.optional().describe('Only jobs with this tag in jobInfo.tags.'),
  q: filterText.optional().describe('Case-insensitive search in jobInfo.title and jobInfo.projectId.'),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(DEFAULT_PAGE_SIZE)
    .describe(`Jobs per page, 1 to ${MAX_PAGE_SIZE}.`),
  cursor: z.string().max(2048).optional().describe('nextCursor of the previous page.'),
});

/** The answer of GET /jobs: a page of job views, newest first, and where the next page starts. */
export const jobListSchema = z.object({
  jobs: z.array(jobViewSchema),
  nextCursor: z
    .string()
    .nullable()
    .describe(
      'Pass as `cursor` for the next page; null on the last. A page may be short while this is not null.',
    ),
});
export type JobList = z.infer<typeof jobListSchema>;

export const deliveriesSchema = z.object({
  jobId: z.string(),
  deliveries: z.array(webhookAttemptSchema).describe('Every webhook attempt, oldest first.'),
});
export type Deliveries = z.infer<typeof deliveriesSchema>;

export const redeliverySchema = z.object({
  jobId: z.string(),
  webhookId: z.string().describe("The notification's `webhook-id`, the same as the first delivery's."),
  queued: z.literal(true),
});
export type Redelivery = z.infer<typeof redeliverySchema>;

export const deletedJobSchema = z.object({
  jobId: z.string(),
  deleted: z.literal(true),
  objects: z
    .array(z.string())
    .describe('The s3:// objects removed: the MP4 and every sidecar the job wrote.'),
});
export type DeletedJob = z.infer<typeof deletedJobSchema>;

export const healthSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  version: z.string().describe("auto-vid's version."),
  checkedAt: z.string().describe('ISO 8601.'),
  error: z.string().optional().describe('Why the service is unavailable.'),
});
export type Health = z.infer<typeof healthSchema>;

/** Media a job spec can use: the source video and audio assets. */
export const UPLOAD_CONTENT_TYPES = [
  'video/mp4',
  'video/quicktime',
  'video/webm',
  'video/x-matroska',
  'audio/mpeg',
  'audio/mp4',
  'audio/aac',
  'audio/wav',
  'audio/x-wav',
  'audio/ogg',
  'audio/flac',
  'audio/webm',
] as const;

export const MAX_UPLOAD_FILES = 20;

/** POST /uploads's body, for a deployment whose largest upload is `maxBytes`. */
export function uploadsRequestSchema(maxBytes: number) {
  return z.object({
    files: z
      .array(
        z.object({
          name: z
            .string()
            .min(1)
            .max(200)
            .regex(
              /^[A-Za-z0-9][A-Za-z0-9._ -]*$/,
              'Must be a plain file name: letters, digits, spaces, dot, dash, underscore',
            )
            .refine((name) => !name.includes('..'), 'Must be a plain file name without ..'),
          contentType: z.enum(UPLOAD_CONTENT_TYPES, {
            error: `Must be one of ${UPLOAD_CONTENT_TYPES.join(', ')}`,
          }),
          size: z
            .number({ error: 'Must be the file size in bytes' })
            .int('Must be the file size in bytes')
            .min(1, 'Must be the file size in bytes')
            .max(maxBytes, `Must be at most ${maxBytes} bytes`),
        }),
      )
      .min(1, 'List at least one file')
      .max(MAX_UPLOAD_FILES, `At most ${MAX_UPLOAD_FILES} files per request`),
  });
}

export const uploadsSchema = z.object({
  uploads: z.array(
    z.object({
      name: z.string(),
      source: z
        .string()
        .describe("s3://bucket/assets/<uuid>/<name>: what a job spec's asset `source` takes."),
      uploadUrl: z.string().describe('Presigned PUT.'),
      headers: z
        .record(z.string(), z.string())
        .describe('Headers the PUT must carry (Content-Type, Content-Length): the URL signs them.'),
      expiresAt: z.string().describe('When uploadUrl stops working (ISO 8601).'),
    }),
  ),
});
export type Uploads = z.infer<typeof uploadsSchema>;
