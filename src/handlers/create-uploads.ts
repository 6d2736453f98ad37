import type { Logger } from '@aws-lambda-powertools/logger';
import { createUploads, type UploadsDeps } from '../api/create-uploads.ts';
import { readBody } from '../api/responses.ts';
import { systemClock } from '../clock.ts';
import { readSettings, required } from '../settings.ts';
import { type ApiLambda, apiHandler } from './api-event.ts';
import { answerBrowserOrigins } from './browser-origins.ts';
import { wireOnFirstCall } from './lambda-entry.ts';
import { createLogger } from './logger.ts';
import { createConfiguredOutputStore } from './output-bucket.ts';

const SERVICE = 'auto-vid-uploads';

export function createUploadsHandler(deps: UploadsDeps, logger: Logger = createLogger(SERVICE)): ApiLambda {
  return apiHandler(logger, (event) => createUploads(readBody(event), deps));
}

/** POST /uploads, wired from a function's environment. */
export function wire(env: NodeJS.ProcessEnv): ApiLambda {
  const settings = readSettings(env);
  return answerBrowserOrigins(
    settings.allowedOrigins,
    createUploadsHandler(
      {
        store: createConfiguredOutputStore(settings, env),
        bucket: required(settings.bucket, 'S3_BUCKET_NAME'),
        expiresInSeconds: settings.uploadUrlSeconds,
        maxBytes: settings.maxUploadBytes,
        clock: systemClock,
      },
      createLogger(SERVICE, env),
    ),
  );
}

/** The Lambda entry point: wired once per container from its environment. */
export const handler: ApiLambda = wireOnFirstCall(wire);
