import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { APIGatewayProxyResult, Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createDynamoDocumentClient } from '../aws/clients.ts';
import { createDynamoJobStore } from '../jobs/dynamo-job-store.ts';
import { type Gateway, type GatewayRoute, startGateway } from './gateway.ts';
import { scanAll } from './job-scan.ts';
import { type LocalStack, startLocalStack } from './local-stack.ts';
import { attachQueueJournal } from './queue-journal.ts';
import { createUsagePlan, type UsagePlanLimits } from './usage-plan.ts';
import { type QueueWorker, startQueueWorker } from './worker.ts';

export interface DevStackOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly host?: string;
  /** Usage plan overrides; the template's parameter defaults otherwise. */
  readonly rate?: number;
  readonly burst?: number;
  readonly quota?: number;
  /** `AUTO_VID_API_KEY`, else a key generated once and kept in the data folder. */
  readonly apiKey?: string;
  /** How long a failed message waits before it is received again (the template's 5400 s is Lambda's). */
  readonly retryDelayMs?: number;
  /** How long a render in progress may go on after a stop is asked for. */
  readonly shutdownGraceMs?: number;
  readonly log?: (fields: Record<string, unknown>) => void;
  /** Workers on (default); off, messages stay on the queues (load measurements). */
  readonly workers?: boolean;
  /** The functions' log level (the template's LOG_LEVEL otherwise). */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
}

export interface DevStack {
  readonly url: string;
  readonly apiKey: string;
  readonly limits: UsagePlanLimits;
  readonly local: LocalStack;
  /** Jobs found unfinished at start and put back to work. */
  readonly recovered: number;
  close(): Promise<void>;
}

const NON_FINAL = ['submitted', 'processing', 'retrying'];

async function loadApiKey(dataDir: string, given: string | undefined): Promise<string> {
  if (given) return given;
  const path = join(dataDir, 'api-key');
  if (existsSync(path)) return (await readFile(path, 'utf8')).trim();
  const key = randomBytes(20).toString('base64url');
  await writeFile(path, `${key}\n`, { mode: 0o600 });
  return key;
}

type Handler = (event: unknown, context?: Context) => Promise<unknown>;

/**
 * The whole service on one machine (`auto-vid dev`): the local stack of template.yaml, its queues
 * kept on disk, a worker per queue calling the real functions with SQS events, and the API Gateway
 * stand-in in front of the real API handlers.
 */
export async function startDevStack(options: DevStackOptions): Promise<DevStack> {
  const dataDir = resolve(options.dataDir);
  await mkdir(join(dataDir, 'queues'), { recursive: true });
  const log =
    options.log ?? ((fields) => process.stdout.write(`${JSON.stringify({ level: 'INFO', ...fields })}\n`));
  const local = await startLocalStack({ dataDir, visibilityTimeoutMs: options.retryDelayMs ?? 10_000 });
  const workers: QueueWorker[] = [];
  const shutdown = new AbortController();
  let gateway: Gateway | undefined;
  try {
    for (const [logicalId, queue] of local.queues) {
      attachQueueJournal(queue, join(dataDir, 'queues', `${logicalId}.jsonl`));
    }

    const functions = Object.entries(loadFunctions(local));

    // Nothing else runs this stack's jobs: a job left `processing` by an earlier run was cut off.
    const jobsTable = local.stack.physicalName('JobsTable');
    const documents = createDynamoDocumentClient(local.emulators.env);
    const jobs = createDynamoJobStore(documents, jobsTable);
    const jobsNow = await scanAll(documents, jobsTable);
    const unfinished = jobsNow.filter((item) => NON_FINAL.includes(String(item.status)));
    for (const item of unfinished) {
      if (item.status === 'processing') {
        await jobs.markRetrying(
          String(item.jobId),
          Number(item.attempts ?? 1),
          'Interrupted by a stop of the local stack',
          new Date(),
        );
      }
    }
    if (unfinished.length > 0) log({ message: 'Unfinished jobs resumed', count: unfinished.length });

    // Each function is wired from its own environment; the processor also gets the stop signal, so
    // a render cut by Ctrl-C is a retryable fault.
    const wireOptions = {
      env: options.logLevel ? { LOG_LEVEL: options.logLevel } : undefined,
      stopSignal: shutdown.signal,
    };
    const load = (logicalId: string) => local.wireFunction<Handler>(logicalId, wireOptions);

    const eventSources = functions.flatMap(([logicalId, events]) =>
      events
        .filter((e) => e.Type === 'SQS')
        .map((e) => ({ logicalId, queueLogicalId: e.queueLogicalId as string })),
    );
    for (const { logicalId, queueLogicalId } of options.workers === false ? [] : eventSources) {
      const queue = local.queues.get(queueLogicalId);
      if (!queue) throw new Error(`${logicalId} reads ${queueLogicalId}, which the template does not define`);
      const handler = await load(logicalId);
      workers.push(
        startQueueWorker({
          queue,
          queueArn: `arn:aws:sqs:us-east-1:000000000000:${queue.name}`,
          functionName: local.stack.physicalName(logicalId),
          timeoutSeconds: local.stack.functionTimeout(logicalId),
          handler: handler as (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>,
          log,
        }),
      );
    }

    const routes: GatewayRoute[] = [];
    for (const [logicalId, events] of functions) {
      for (const event of events.filter((e) => e.Type === 'Api')) {
        const handler = await load(logicalId);
        routes.push({
          method: String(event.method).toUpperCase(),
          resource: String(event.path),
          handler: (proxyEvent) => handler(proxyEvent) as Promise<APIGatewayProxyResult>,
        });
      }
    }
    const limits: UsagePlanLimits = {
      rate: options.rate ?? Number(local.stack.resolve({ Ref: 'ApiRateLimit' })),
      burst: options.burst ?? Number(local.stack.resolve({ Ref: 'ApiBurstLimit' })),
      quota: options.quota ?? Number(local.stack.resolve({ Ref: 'ApiQuotaLimit' })),
    };
    const apiKey = await loadApiKey(dataDir, options.apiKey ?? process.env.AUTO_VID_API_KEY);
    gateway = await startGateway({
      host: options.host ?? '127.0.0.1',
      port: options.port,
      routes,
      apiKey,
      usagePlan: createUsagePlan(limits),
      log,
    });
    const front = gateway;

    return {
      url: front.url,
      apiKey,
      limits,
      local,
      recovered: unfinished.length,
      async close() {
        await front.close();
        const grace = setTimeout(() => shutdown.abort(), options.shutdownGraceMs ?? 5_000);
        await Promise.all(workers.map((worker) => worker.stop()));
        clearTimeout(grace);
        await local.close();
      },
    };
  } catch (error) {
    await gateway?.close();
    shutdown.abort();
    await Promise.all(workers.map((worker) => worker.stop()));
    await local.close();
    throw error;
  }
}

interface FunctionEvent {
  readonly Type: string;
  readonly path?: string;
  readonly method?: string;
  readonly queueLogicalId?: string;
}

/** Each function of the template with its API routes and SQS sources. */
function loadFunctions(local: LocalStack): Record<string, FunctionEvent[]> {
  const template = local.stack.template;
  return Object.fromEntries(
    Object.entries(template.Resources)
      .filter(([, resource]) => resource.Type === 'AWS::Serverless::Function')
      .map(([logicalId, resource]) => {
        const events = Object.values(
          (resource.Properties?.Events ?? {}) as Record<
            string,
            { Type: string; Properties: Record<string, unknown> }
          >,
        ).map((event): FunctionEvent => {
          if (event.Type === 'Api') {
            return {
              Type: 'Api',
              path: String(event.Properties.Path),
              method: String(event.Properties.Method),
            };
          }
          if (event.Type === 'SQS') {
            const queue = event.Properties.Queue as { 'Fn::GetAtt': string[] };
            return { Type: 'SQS', queueLogicalId: queue['Fn::GetAtt'][0] as string };
          }
          return { Type: event.Type };
        });
        return [logicalId, events];
      }),
  );
}
