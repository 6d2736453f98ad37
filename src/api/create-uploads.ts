import { randomUUID } from 'node:crypto';
import { formatPath } from '@auto-vid/shared';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Clock } from '../clock.ts';
import type { OutputStore } from '../jobs/output-store.ts';
import { DEFAULT_MAX_UPLOAD_BYTES } from '../policy/media-limits.ts';
import { type ErrorBody, type Uploads, uploadsRequestSchema } from './api-schemas.ts';
import { parseJsonBody } from './request-body.ts';
import { errorResponse, jsonResponse } from './responses.ts';

/** One schema per size limit, built once: a deployment has one limit. */
const schemas = new Map<number, ReturnType<typeof uploadsRequestSchema>>();
function schemaFor(maxBytes: number) {
  let schema = schemas.get(maxBytes);
  if (!schema) {
    schema = uploadsRequestSchema(maxBytes);
    schemas.set(maxBytes, schema);
  }
  return schema;
}

export interface UploadsDeps {
  readonly store: OutputStore;
  readonly bucket: string;
  readonly expiresInSeconds: number;
  /** Largest `size` a file may declare. */
  readonly maxBytes?: number;
  readonly clock: Clock;
  readonly newId?: () => string;
}

/**
 * POST /uploads: presigned PUT URLs under `assets/<uuid>/`; each answer's `source` is exactly what
 * a job spec's asset takes. Each URL signs the file's type and size, so S3 itself refuses a PUT of
 * anything else; `headers` lists what the PUT must carry.
 */
export async function createUploads(
  body: string | undefined,
  deps: UploadsDeps,
): Promise<APIGatewayProxyResult> {
  const now = deps.clock();
  const request = parseJsonBody(body, now);
  if (!request.ok) return request.response;
  const parsed = schemaFor(deps.maxBytes ?? DEFAULT_MAX_UPLOAD_BYTES).safeParse(request.json);
  if (!parsed.success) {
    const problems: NonNullable<ErrorBody['details']> = parsed.error.issues.map((issue) => ({
      path: issue.path as (string | number)[],
      message: issue.code === 'invalid_type' && issue.input === undefined ? 'Field required' : issue.message,
    }));
    const lines = problems.map((p) => `\n  - Field '${formatPath(p.path)}': ${p.message}`).join('');
    return errorResponse(400, `Invalid upload request:${lines}`, now, { details: problems });
  }
  const folder = (deps.newId ?? randomUUID)();
  const uploads = await Promise.all(
    parsed.data.files.map(async (file) => {
      const key = `assets/${folder}/${file.name}`;
      const signed = await deps.store.presignPut(
        { bucket: deps.bucket, key },
        { contentType: file.contentType, contentLength: file.size },
        { seconds: deps.expiresInSeconds, now },
      );
      const headers = { 'Content-Type': file.contentType, 'Content-Length': String(file.size) };
      return {
        name: file.name,
        source: `s3://${deps.bucket}/${key}`,
        uploadUrl: signed.url,
        headers,
        expiresAt: signed.expiresAt.toISOString(),
      };
    }),
  );
  return jsonResponse(200, { uploads } satisfies Uploads);
}
