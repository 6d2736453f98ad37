import { jobPlanSchema, jobSpecSchema, jobViewSchema, webhookAttemptSchema } from '@auto-vid/shared';
import { z } from 'zod';
import {
  createDocument,
  type ZodOpenApiObject,
  type ZodOpenApiOperationObject,
  type ZodOpenApiResponsesObject,
} from 'zod-openapi';
import { DEFAULT_MAX_UPLOAD_BYTES } from '../policy/media-limits.ts';
import { VERSION } from '../version.ts';
import {
  deletedJobSchema,
  deliveriesSchema,
  errorBodySchema,
  gatewayErrorSchema,
  healthSchema,
  jobListSchema,
  listQuerySchema,
  problemSchema,
  redeliverySchema,
  uploadsRequestSchema,
  uploadsSchema,
} from './api-schemas.ts';

// docs/openapi.json is this document (`npm run schema` writes it, a test fails when it drifts), and
// GET /openapi.json serves it with the caller's own server. Every route of template.yaml is here
// with the answers of its function and of API Gateway in front of it, and a test checks that each
// answer the e2e tests receive is one the document describes. Limits a deployment may change
// (MAX_UPLOAD_BYTES, the webhook sizes) are documented at their defaults.

const JSON_TYPE = 'application/json';

const json = (schema: z.ZodType, description: string) => ({
  description,
  content: { [JSON_TYPE]: { schema } },
});

const jobIdPath = z.object({
  jobId: z.guid().describe("The job's id, as POST /submit answered it."),
});

/** What any route with a key may answer besides its own: API Gateway's refusals and a fault. */
const GATEWAY_AND_FAULT: ZodOpenApiResponsesObject = {
  '403': json(gatewayErrorSchema, 'No X-API-Key, or not one of the usage plan (API Gateway: Forbidden).'),
  '429': json(
    gatewayErrorSchema,
    "The key's usage plan: Too Many Requests (rate) or Limit Exceeded (quota).",
  ),
  '500': json(errorBodySchema, 'Internal server error: logged with its request id, never detailed here.'),
  '502': json(
    gatewayErrorSchema,
    'API Gateway: the function failed to start or crashed (Internal server error).',
  ),
  '504': json(gatewayErrorSchema, 'API Gateway: no answer within 29 s (Endpoint request timed out).'),
};

const TOO_LARGE = json(
  z.union([errorBodySchema, gatewayErrorSchema]),
  "The body is over the route's limit (an error body) or over API Gateway's 10 MB (Request Too Long).",
);

const BAD_JOB_ID = json(errorBodySchema, 'Missing jobId in path, or Invalid jobId: expected a UUID.');
const NOT_FOUND = json(errorBodySchema, "Job <id> not found: unknown, deleted, or another key's.");

const SPEC_BODY = {
  required: true,
  content: { [JSON_TYPE]: { schema: jobSpecSchema } },
};

const SPEC_REJECTED = json(
  errorBodySchema,
  'Missing request body, Invalid JSON in request body, or Invalid job specification: one line and one `details` entry per field.',
);

/** An operation on one job, `{jobId}` in its path. */
function jobOperation(operation: ZodOpenApiOperationObject): ZodOpenApiOperationObject {
  return {
    ...operation,
    requestParams: { path: jobIdPath },
    responses: { '400': BAD_JOB_ID, '404': NOT_FOUND, ...operation.responses, ...GATEWAY_AND_FAULT },
  };
}

const submit: ZodOpenApiOperationObject = {
  operationId: 'submitJob',
  tags: ['jobs'],
  summary: 'Submit a job',
  description:
    'Validates the spec, records the job as `submitted` and queues it. With `dryRun=true`, answers the plan (as POST /plan) and records nothing.',
  requestParams: {
    header: z.object({
      'Idempotency-Key': z
        .string()
        .min(1)
        .max(255)
        .optional()
        .describe('Within 24 h, the same key and body answer with the same job; another body is a 409.'),
    }),
    query: z.object({
      dryRun: z
        .enum(['true', 'false'])
        .optional()
        .describe('true: plan the job instead of submitting it (as POST /plan); false or absent: submit.'),
    }),
  },
  requestBody: SPEC_BODY,
  responses: {
    '200': json(
      z.union([jobViewSchema, jobPlanSchema]),
      'The job view in status `submitted`; with dryRun=true, the job plan.',
    ),
    '400': SPEC_REJECTED,
    '409': json(
      errorBodySchema,
      'The Idempotency-Key was used with another body, or a request with it is still being processed.',
    ),
    '413': TOO_LARGE,
    ...GATEWAY_AND_FAULT,
  },
};

const plan: ZodOpenApiOperationObject = {
  operationId: 'planJob',
  tags: ['jobs'],
  summary: 'Plan a job (dry run)',
  description:
    'What the renderer would make of the spec, from the media headers alone: nothing is recorded, rendered or spoken (docs/dry-run.md).',
  requestBody: SPEC_BODY,
  responses: {
    '200': json(jobPlanSchema, 'The plan.'),
    '400': json(
      errorBodySchema,
      'As POST /submit, or Media could not be read / The render would fail, naming each field.',
    ),
    '413': TOO_LARGE,
    ...GATEWAY_AND_FAULT,
  },
};

const getJob = (operationId: string, summary: string): ZodOpenApiOperationObject =>
  jobOperation({
    operationId,
    tags: ['jobs'],
    summary,
    description: "The job view; a completed job's URLs are signed again on every answer.",
    responses: { '200': json(jobViewSchema, 'The job view.') },
  });

const listJobs: ZodOpenApiOperationObject = {
  operationId: 'listJobs',
  tags: ['jobs'],
  summary: "List the caller's jobs",
  description: "The API key's jobs, newest first, a page at a time; follow nextCursor until it is null.",
  requestParams: { query: listQuerySchema },
  responses: {
    '200': json(jobListSchema, 'A page of job views.'),
    '400': json(errorBodySchema, "Invalid query parameter '<name>': …, or Invalid cursor."),
    ...GATEWAY_AND_FAULT,
  },
};

const deliveries = jobOperation({
  operationId: 'listDeliveries',
  tags: ['webhooks'],
  summary: "A job's webhook attempts",
  responses: { '200': json(deliveriesSchema, 'Every attempt, oldest first.') },
});

const cancel = jobOperation({
  operationId: 'cancelJob',
  tags: ['jobs'],
  summary: 'Cancel a job',
  description:
    'A job not yet final ends `cancelled` at once and its webhook is sent; a render in progress stops within seconds and uploads nothing.',
  responses: {
    '200': json(jobViewSchema, 'The job view, status `cancelled`.'),
    '409': json(errorBodySchema, 'The job is already final; `status` says which.'),
  },
});

const remove = jobOperation({
  operationId: 'deleteJob',
  tags: ['jobs'],
  summary: 'Delete a final job',
  description: 'Removes every object the job wrote (the version it wrote), then its record.',
  responses: {
    '200': json(deletedJobSchema, 'What was removed.'),
    '409': json(errorBodySchema, 'The job is not final (cancel it first); `status` says which.'),
  },
});

const redeliver = jobOperation({
  operationId: 'redeliverWebhook',
  tags: ['webhooks'],
  summary: "Send a final job's webhook again",
  description: 'Queued with the same `webhook-id` as the first delivery, the view as it is now.',
  responses: {
    '202': json(redeliverySchema, 'Queued.'),
    '409': json(errorBodySchema, 'The job is not final, or asked for no webhook.'),
  },
});

const uploadsRequest = uploadsRequestSchema(DEFAULT_MAX_UPLOAD_BYTES);

const uploads: ZodOpenApiOperationObject = {
  operationId: 'createUploads',
  tags: ['uploads'],
  summary: 'Presigned upload URLs',
  description:
    "One presigned PUT per file under assets/<uuid>/; each `source` is what a job spec's asset takes. The PUT must carry `headers`.",
  requestBody: {
    required: true,
    content: { [JSON_TYPE]: { schema: uploadsRequest } },
  },
  responses: {
    '200': json(uploadsSchema, 'The upload URLs, in the order of `files`.'),
    '400': json(
      errorBodySchema,
      'Missing request body, Invalid JSON in request body, or Invalid upload request.',
    ),
    '413': json(gatewayErrorSchema, "The body is over API Gateway's 10 MB (Request Too Long)."),
    ...GATEWAY_AND_FAULT,
  },
};

const health: ZodOpenApiOperationObject = {
  operationId: 'getHealth',
  tags: ['service'],
  summary: 'Health, without a key',
  security: [],
  responses: {
    '200': json(healthSchema, 'The jobs table answered.'),
    '503': json(healthSchema, 'The jobs table did not answer within 3 s.'),
    '500': json(errorBodySchema, 'Internal server error.'),
    '502': GATEWAY_AND_FAULT['502'] as ReturnType<typeof json>,
    '504': GATEWAY_AND_FAULT['504'] as ReturnType<typeof json>,
  },
};

const openapi: ZodOpenApiOperationObject = {
  operationId: 'getOpenApi',
  tags: ['service'],
  summary: 'This document',
  description: 'The OpenAPI description of the API, its server the URL it was asked at.',
  responses: {
    '200': json(z.record(z.string(), z.unknown()), 'An OpenAPI 3.1 document.'),
    ...GATEWAY_AND_FAULT,
  },
};

const hlsPlaylist: ZodOpenApiOperationObject = {
  operationId: 'getHlsPlaylist',
  tags: ['playback'],
  summary: "A job's HLS playlist, for players",
  description:
    "The URL is a completed job's `output.hls.url` (the master); the master names each variant's playlist on this route with the same token, and a variant's playlist names its segments by presigned URLs, so hls.js or Safari plays the package from the private bucket. No API key: players cannot send one; the token stands for it and expires with `output.hls.urlExpiresAt`. Answers allow any origin.",
  security: [],
  requestParams: {
    path: jobIdPath.extend({
      playlist: z
        .string()
        .regex(/^(master|source|audio|[1-9][0-9]{2,3}p)\.m3u8$/)
        .describe('master.m3u8, or a variant: source.m3u8, audio.m3u8, 720p.m3u8 ...'),
    }),
    query: z.object({
      token: z.string().describe('The token of output.hls.url: signed for this job, expiring.'),
    }),
  },
  responses: {
    '200': {
      description: 'The playlist (RFC 8216), its URIs playable as they are.',
      content: { 'application/vnd.apple.mpegurl': { schema: z.string() } },
    },
    '400': BAD_JOB_ID,
    '403': json(errorBodySchema, 'Missing token, or a token that is not valid for this job or has expired.'),
    '404': json(
      errorBodySchema,
      'No such playlist name, job, or package (the job is not completed, asked for no HLS, or was deleted).',
    ),
    '429': GATEWAY_AND_FAULT['429'] as ReturnType<typeof json>,
    '500': GATEWAY_AND_FAULT['500'] as ReturnType<typeof json>,
    '502': GATEWAY_AND_FAULT['502'] as ReturnType<typeof json>,
    '504': GATEWAY_AND_FAULT['504'] as ReturnType<typeof json>,
  },
};

/** The body of a job's final webhook: the job view and the spec's `notifications.webhook.metadata`. */
const webhookBodySchema = jobViewSchema.extend({
  metadata: z.record(z.string(), z.unknown()).describe("The spec's notifications.webhook.metadata."),
});

const jobFinished: ZodOpenApiOperationObject = {
  operationId: 'jobFinished',
  tags: ['webhooks'],
  summary: "A job's final state",
  description:
    'Sent to notifications.webhook.url (POST or PUT) once a job is completed, failed or cancelled, signed per Standard Webhooks when the deployment has a secret. Attempts go on for 24 h until a 2xx; receivers drop duplicates by `webhook-id`.',
  requestParams: {
    header: z.object({
      'webhook-id': z.string().describe('msg_<jobId>_<status>: the same on every attempt and redelivery.'),
      'webhook-timestamp': z.string().describe('Unix seconds of this attempt.'),
      'webhook-signature': z
        .string()
        .optional()
        .describe('v1,<base64 HMAC-SHA256 of id.timestamp.body>, with the whsec_ secret.'),
    }),
  },
  requestBody: { required: true, content: { [JSON_TYPE]: { schema: webhookBodySchema } } },
  responses: {
    '200': { description: 'Any 2xx ends the delivery; anything else, or no answer in 10 s, is retried.' },
  },
};

/** The document's parts, as zod-openapi takes them. */
function describeApi(): ZodOpenApiObject {
  return {
    openapi: '3.1.0',
    info: {
      title: 'auto-vid',
      version: VERSION,
      description:
        'A JSON job spec becomes an MP4 with music, narration and sound effects. Submit, poll or list, and get a signed webhook when the job ends.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [
      {
        url: '{baseUrl}',
        variables: {
          baseUrl: {
            default: 'http://127.0.0.1:3000',
            description: "The stage's URL (the stack's ApiUrl output), or auto-vid dev's.",
          },
        },
      },
    ],
    security: [{ apiKey: [] }],
    tags: [
      { name: 'jobs', description: 'Submit, plan, read, list, cancel and delete jobs.' },
      { name: 'webhooks', description: "A job's final notification and its delivery log." },
      { name: 'uploads', description: 'Media into the stack bucket, for specs to use.' },
      { name: 'playback', description: 'HLS playlists for players: a token instead of the key.' },
      { name: 'service', description: 'Health and this document.' },
    ],
    paths: {
      '/submit': { post: submit },
      '/plan': { post: plan },
      '/status/{jobId}': { get: getJob('getStatus', 'A job (the original route)') },
      '/jobs': { get: listJobs },
      '/jobs/{jobId}': { get: getJob('getJob', 'A job'), delete: remove },
      '/jobs/{jobId}/cancel': { post: cancel },
      '/jobs/{jobId}/deliveries': { get: deliveries },
      '/jobs/{jobId}/webhook': { post: redeliver },
      '/jobs/{jobId}/hls/{playlist}': { get: hlsPlaylist },
      '/uploads': { post: uploads },
      '/health': { get: health },
      '/openapi.json': { get: openapi },
    },
    webhooks: { jobFinished: { post: jobFinished } },
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'A key of the usage plan.' },
      },
      schemas: {
        JobSpec: jobSpecSchema,
        JobView: jobViewSchema,
        JobPlan: jobPlanSchema,
        JobList: jobListSchema,
        WebhookAttempt: webhookAttemptSchema,
        WebhookBody: webhookBodySchema,
        ErrorBody: errorBodySchema,
        Problem: problemSchema,
        GatewayError: gatewayErrorSchema,
        Deliveries: deliveriesSchema,
        Redelivery: redeliverySchema,
        DeletedJob: deletedJobSchema,
        Health: healthSchema,
        UploadsRequest: uploadsRequest,
        Uploads: uploadsSchema,
      },
    },
  };
}

export type OpenApiDocument = ReturnType<typeof createDocument>;

let built: OpenApiDocument | undefined;

/** The OpenAPI 3.1 document of the API, built from the zod schemas once per process. */
export function openApiDocument(): OpenApiDocument {
  built ??= createDocument(describeApi(), {
    // Answers may gain fields (additive changes): a client must not be told that none will come.
    override: ({ jsonSchema, io }) => {
      if (io === 'output' && jsonSchema.additionalProperties === false)
        delete jsonSchema.additionalProperties;
    },
  });
  return built;
}

/** docs/openapi.json's exact text: two-space JSON and a final newline. */
export function renderOpenApiDocument(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}

/** The document as GET /openapi.json serves it: its one server the URL the request came to. */
export function servedOpenApiDocument(baseUrl: string): OpenApiDocument {
  return { ...openApiDocument(), servers: [{ url: baseUrl }] };
}
