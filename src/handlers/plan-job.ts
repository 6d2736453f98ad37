import type { Logger } from '@aws-lambda-powertools/logger';
import { createMediaFactsReader } from '../api/dry-run/media-reader.ts';
import { type PlanDeps, planJob } from '../api/plan-job.ts';
import { readBody } from '../api/responses.ts';
import { createS3Client } from '../aws/clients.ts';
import { systemClock } from '../clock.ts';
import { egressFor } from '../net/egress-guard.ts';
import { readSettings } from '../settings.ts';
import { type ApiLambda, apiHandler } from './api-event.ts';
import { answerBrowserOrigins } from './browser-origins.ts';
import { wireOnFirstCall } from './lambda-entry.ts';
import { createLogger } from './logger.ts';

const SERVICE = 'auto-vid-plan';

/** The processor's memory by default (template.yaml's ProcessorMemorySize), MB. */
export const DEFAULT_PROCESSOR_MEMORY_MB = 3008;

/** PROCESSOR_MEMORY_MB, a whole number of MB from Lambda's 128 to 10,240; otherwise the default. */
function readProcessorMemoryMb(raw: string | undefined): number {
  const value = raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
  if (Number.isInteger(value) && value >= 128 && value <= 10_240) return value;
  if (raw !== undefined && raw.trim() !== '') {
    throw new Error(`Invalid environment: PROCESSOR_MEMORY_MB must be 128 to 10240 (MB), not '${raw}'`);
  }
  return DEFAULT_PROCESSOR_MEMORY_MB;
}

/** The dry run's ports from a function's environment: S3 and the egress policy as the processor has them. */
export function createPlanDeps(env: NodeJS.ProcessEnv): PlanDeps {
  const settings = readSettings(env);
  return {
    limits: settings.limits,
    rules: {
      localMode: settings.localMode,
      outputBuckets: settings.outputBuckets,
      stackBucket: settings.bucket,
    },
    clock: systemClock,
    media: createMediaFactsReader({
      s3: createS3Client(env),
      localMode: settings.localMode,
      egress: egressFor(settings.localMode, settings.stackPorts),
    }),
    processorMemoryMb: readProcessorMemoryMb(env.PROCESSOR_MEMORY_MB),
    speech: settings.speechEngine === 'espeak' ? 'espeak-ng' : 'aws-polly',
    mediaLimits: settings.mediaLimits,
  };
}

export function createPlanHandler(deps: PlanDeps, logger: Logger = createLogger(SERVICE)): ApiLambda {
  return apiHandler(logger, (event) => planJob(readBody(event), deps));
}

/** POST /plan, wired from a function's environment. */
export function wire(env: NodeJS.ProcessEnv): ApiLambda {
  return answerBrowserOrigins(
    readSettings(env).allowedOrigins,
    createPlanHandler(createPlanDeps(env), createLogger(SERVICE, env)),
  );
}

/** The Lambda entry point: wired once per container from its environment. */
export const handler: ApiLambda = wireOnFirstCall(wire);
