import { createUploads } from '../api/create-uploads.ts';
import { readBody } from '../api/responses.ts';
import { createS3Client } from '../aws/clients.ts';
import { createS3OutputStore, type OutputStore } from '../jobs/output-store.ts';
import { readSettings, required } from '../settings.ts';
import { apiHandler } from './api-event.ts';
import { createLogger } from './logger.ts';

const logger = createLogger('auto-vid-uploads');

export function createUploadsHandler(deps: { store: OutputStore; bucket: string; expiresInSeconds: number }) {
  return apiHandler(logger, (event) => createUploads(readBody(event), deps));
}

let wired: ReturnType<typeof createUploadsHandler> | undefined;

/** POST /uploads. */
export const handler = (event: unknown) => {
  if (!wired) {
    const settings = readSettings();
    wired = createUploadsHandler({
      store: createS3OutputStore(createS3Client()),
      bucket: required(settings.bucket, 'S3_BUCKET_NAME'),
      expiresInSeconds: settings.uploadUrlSeconds,
    });
  }
  return wired(event);
};
