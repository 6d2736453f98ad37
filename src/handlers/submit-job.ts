import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { createIdempotentSubmit } from '../api/idempotent-submit.ts';
import { planJob } from '../api/plan-job.ts';
import { readBody } from '../api/responses.ts';
import { type SubmitDeps, submitJob } from '../api/submit-job.ts';
import { createDynamoClient, createSqsClient } from '../aws/clients.ts';
import { systemClock } from '../clock.ts';
import { createSqsJobQueue } from '../jobs/job-queue.ts';
import { readSettings, required } from '../settings.ts';
import { type ApiLambda, apiHandler, callerOf, headerValue } from './api-event.ts';
import { answerBrowserOrigins } from './browser-origins.ts';
import { createConfiguredJobStore } from './job-table.ts';
import { wireOnFirstCall } from './lambda-entry.ts';
import { createLogger } from './logger.ts';
import { createPlanDeps } from './plan-job.ts';

const SERVICE = 'auto-vid-submit';

export function createSubmitHandler(
  deps: Omit<SubmitDeps, 'log'> & {
    idempotency?: BasePersistenceLayer;
    /** `POST /submit?dryRun=true`: the plan of the spec, nothing recorded (POST /plan's use-case). */
    plan?: (body: string | undefined) => Promise<APIGatewayProxyResult>;
  },
  logger: Logger = createLogger(SERVICE),
): ApiLambda {
  const submit = (body: string | undefined, caller?: string) =>
    submitJob(
      body,
      {
        ...deps,
        log: (level, message, fields) => {
          if (typeof fields.jobId === 'string') logger.appendKeys({ jobId: fields.jobId });
          logger[level](message, fields);
        },
      },
      caller,
    );
  const keyed = deps.idempotency
    ? createIdempotentSubmit(submit, deps.idempotency, { clock: deps.clock })
    : undefined;
  return apiHandler(logger, (event) => {
    const body = readBody(event);
    if (deps.plan && event.queryStringParameters?.dryRun === 'true') return deps.plan(body);
    const key = headerValue(event, 'Idempotency-Key');
    const caller = callerOf(event);
    return keyed ? keyed(key, body, caller) : submit(body, caller);
  });
}

/** POST /submit, wired from a function's environment. */
export function wire(env: NodeJS.ProcessEnv): ApiLambda {
  const settings = readSettings(env);
  const idempotencyTable = settings.idempotencyTable;
  const planDeps = createPlanDeps(env);
  return answerBrowserOrigins(
    settings.allowedOrigins,
    createSubmitHandler(
      {
        jobs: createConfiguredJobStore(settings, env),
        queue: createSqsJobQueue(createSqsClient(env), required(settings.queueUrl, 'SQS_JOB_QUEUE_URL')),
        limits: settings.limits,
        ttlSeconds: settings.jobTtlSeconds,
        rules: {
          localMode: settings.localMode,
          outputBuckets: settings.outputBuckets,
          stackBucket: settings.bucket,
        },
        clock: systemClock,
        idempotency: idempotencyTable
          ? new DynamoDBPersistenceLayer({
              tableName: idempotencyTable,
              awsSdkV3Client: createDynamoClient(env),
            })
          : undefined,
        plan: (body) => planJob(body, planDeps),
      },
      createLogger(SERVICE, env),
    ),
  );
}

/** The Lambda entry point: wired once per container from its environment. */
export const handler: ApiLambda = wireOnFirstCall(wire);
