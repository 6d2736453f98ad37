import type { Logger } from '@aws-lambda-powertools/logger';
import { type PlaybackDeps, servePlaylist } from '../api/hls-playlist.ts';
import { systemClock } from '../clock.ts';
import { readSettings } from '../settings.ts';
import { type ApiLambda, apiHandler, byRoute, forJob } from './api-event.ts';
import { answerBrowserOrigins } from './browser-origins.ts';
import { createConfiguredJobStore } from './job-table.ts';
import { wireOnFirstCall } from './lambda-entry.ts';
import { createLogger } from './logger.ts';
import { createConfiguredOutputStore } from './output-bucket.ts';

const SERVICE = 'auto-vid-playback';

/**
 * GET /jobs/{jobId}/hls/{playlist}: a job's HLS playlists for players, which send no API key; the
 * token in the query is checked instead.
 */
export function createPlaybackHandler(deps: PlaybackDeps, logger: Logger = createLogger(SERVICE)): ApiLambda {
  return apiHandler(
    logger,
    byRoute({
      'GET /jobs/{jobId}/hls/{playlist}': forJob(logger, (jobId, _caller, event) =>
        servePlaylist(
          jobId,
          event.pathParameters?.playlist ?? undefined,
          event.queryStringParameters?.token ?? undefined,
          deps,
        ),
      ),
    }),
  );
}

/** The playback route, wired from a function's environment. */
export function wire(env: NodeJS.ProcessEnv): ApiLambda {
  const settings = readSettings(env);
  return answerBrowserOrigins(
    settings.allowedOrigins,
    createPlaybackHandler(
      {
        jobs: createConfiguredJobStore(settings, env),
        // Segment URLs are signed here, with this function's own credentials.
        outputs: createConfiguredOutputStore(settings, env),
        presignSeconds: settings.presignSeconds,
        clock: systemClock,
      },
      createLogger(SERVICE, env),
    ),
  );
}

/** The Lambda entry point: wired once per container from its environment. */
export const handler: ApiLambda = wireOnFirstCall(wire);
