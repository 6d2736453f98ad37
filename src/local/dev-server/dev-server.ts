import { createHash, randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { APIGatewayProxyResult, Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createDynamoDocumentClient } from '../../aws/clients.ts';
import { type FunctionEvent, functionEvents } from '../../template/template.ts';
import {
  type BackingServices,
  LOCAL_REGION,
  startBackingServices,
  type WireOptions,
} from '../backing-services/backing-services.ts';
import { attachQueueJournal } from '../backing-services/queue-journal.ts';
import { freePort } from '../free-port.ts';
import { loadKeptSecret } from '../kept-secret.ts';
import { consoleSite } from './console-site.ts';
import { type ApiKey, type Gateway, type GatewayRoute, startGateway } from './gateway.ts';
import { recoverUnfinishedJobs } from './recover-jobs.ts';
import { createUsagePlan, type UsagePlanLimits } from './usage-plan.ts';
import { type QueueWorker, startQueueWorker } from './worker.ts';

export interface DevServerOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly host?: string;
  /** Usage plan overrides; the template's parameter defaults otherwise. */
  readonly rate?: number;
  readonly burst?: number;
  readonly quota?: number;
  /**
   * The usage plan's keys, each its own owner of jobs: these, else `AUTO_VID_API_KEYS`
   * (comma-separated), else `AUTO_VID_API_KEY`, else one key generated once and kept in the data folder.
   */
  readonly apiKeys?: readonly string[];
  /** How long a failed message waits before it is received again (the template's 5400 s is Lambda's). */
  readonly retryDelayMs?: number;
  /** How long a render in progress may go on after a stop is asked for. */
  readonly shutdownGraceMs?: number;
  readonly log?: Log;
  /** Workers on (default); off, messages stay on the queues (load measurements). */
  readonly workers?: boolean;
  /** Multiplies every webhook retry delay (`--webhook-delay-scale`); 1 otherwise. */
  readonly webhookDelayScale?: number;
  /**
   * Chunked re-encodes: how many chunk encoders run at once (0: none, every job renders in one run),
   * and the threshold and chunk length when not the template's.
   */
  readonly chunking?: {
    readonly workers: number;
    readonly thresholdSeconds?: number;
    readonly chunkSeconds?: number;
  };
  /** The functions' log level (the template's LOG_LEVEL otherwise). */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
}

export interface DevServer {
  readonly url: string;
  /** The first key. */
  readonly apiKey: string;
  /** Every key with the id its jobs are owned by. */
  readonly apiKeys: readonly ApiKey[];
  readonly limits: UsagePlanLimits;
  readonly services: BackingServices;
  /** Jobs found unfinished at start and put back to work. */
  readonly recovered: number;
  /** The chunking in effect: encoders at once (0: off), the threshold and the chunk length. */
  readonly chunking: {
    readonly workers: number;
    readonly thresholdSeconds: number;
    readonly chunkSeconds: number;
  };
  close(): Promise<void>;
}

type Log = (fields: Record<string, unknown>) => void;
type Handler = (event: unknown, context?: Context) => Promise<unknown>;
/** A function of the template wired and ready to call. */
type WireHandler = (logicalId: string) => Promise<Handler>;

const logJsonLine: Log = (fields) =>
  process.stdout.write(`${JSON.stringify({ level: 'INFO', ...fields })}\n`);

/**
 * The whole service on one machine (`auto-vid dev`): the backing services of template.yaml, its
 * queues kept on disk, the jobs an earlier run left unfinished put back to work, a worker per SQS
 * event source calling the real function with SQS events, and the API Gateway stand-in in front of
 * the real API handlers, with the web console beside them.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const dataDir = resolve(options.dataDir);
  await mkdir(join(dataDir, 'queues'), { recursive: true });
  const log = options.log ?? logJsonLine;
  const services = await startBackingServices({
    dataDir,
    visibilityTimeoutMs: options.retryDelayMs ?? 10_000,
  });
  const workers: QueueWorker[] = [];
  const shutdown = new AbortController();
  let gateway: Gateway | undefined;
  try {
    keepQueuesOnDisk(services, dataDir);
    const recovered = await recoverJobs(services);
    if (recovered > 0) log({ message: 'Unfinished jobs resumed', count: recovered });
    // The processor gets the stop signal, so a render cut by Ctrl-C is a retryable fault.
    // The API's own port joins the stack's ports that no webhook or asset URL may target.
    const port = options.port || (await freePort(options.host));
    const stackPorts = [...services.stackPorts, port].join(',');
    const host = options.host ?? '127.0.0.1';
    const chunking = chunkingOf(services, options);
    const wiring = functionWiring({ stackPorts, host, port, chunking, options, stopSignal: shutdown.signal });
    const wire = wireOncePerFunction(services, wiring);
    const wireCopy: WireHandler = (logicalId) => services.wireFunction<Handler>(logicalId, wiring);
    const functions = Object.entries(functionEvents(services.template.source));
    const running = { wire, wireCopy, log, workers, chunkWorkers: chunking.workers };
    if (options.workers !== false) await startWorkers(services, functions, running);
    const limits = usagePlanLimits(services, options);
    const apiKeys = await loadApiKeys(dataDir, options.apiKeys);
    gateway = await startGateway({
      host,
      port,
      routes: await buildRoutes(functions, wire),
      apiKeys,
      usagePlan: usagePlanPerKey(limits),
      site: consoleSite(),
      log,
    });
    const front = gateway;
    const close = async () => {
      await front.close();
      const grace = setTimeout(() => shutdown.abort(), options.shutdownGraceMs ?? 5_000);
      await Promise.all(workers.map((worker) => worker.stop()));
      clearTimeout(grace);
      await services.close();
    };
    return {
      url: front.url,
      apiKey: (apiKeys[0] as ApiKey).value,
      apiKeys,
      limits,
      services,
      recovered,
      chunking,
      close,
    };
  } catch (error) {
    await gateway?.close();
    shutdown.abort();
    await Promise.all(workers.map((worker) => worker.stop()));
    await services.close();
    throw error;
  }
}

/** What every function is wired with here: the stack's ports, this server's URL, the chunking. */
function functionWiring(given: {
  stackPorts: string;
  host: string;
  port: number;
  chunking: DevServer['chunking'];
  options: DevServerOptions;
  stopSignal: AbortSignal;
}): WireOptions {
  const { options, host, port } = given;
  return {
    env: {
      ...chunkingEnvironment(given.chunking),
      AUTO_VID_STACK_PORTS: given.stackPorts,
      // The webhook's HLS playback URL is on this server.
      PUBLIC_API_URL: `http://${host}:${port}`,
      ...(options.logLevel ? { LOG_LEVEL: options.logLevel } : {}),
      ...(options.webhookDelayScale ? { WEBHOOK_DELAY_SCALE: String(options.webhookDelayScale) } : {}),
    },
    stopSignal: given.stopSignal,
  };
}

/**
 * Each function wired from its own environment once, as Lambda keeps one container per function: a
 * function behind a route and a queue, or several routes, shares its clients.
 */
function wireOncePerFunction(services: BackingServices, options: WireOptions): WireHandler {
  const wired = new Map<string, Promise<Handler>>();
  return (logicalId) => {
    let handler = wired.get(logicalId);
    if (!handler) {
      handler = services.wireFunction<Handler>(logicalId, options);
      wired.set(logicalId, handler);
    }
    return handler;
  };
}

/** Each queue journaled under `<dataDir>/queues/`, so its messages outlive a stop. */
function keepQueuesOnDisk(services: BackingServices, dataDir: string): void {
  for (const [logicalId, queue] of services.queues) {
    attachQueueJournal(queue, join(dataDir, 'queues', `${logicalId}.jsonl`));
  }
}

async function recoverJobs(services: BackingServices): Promise<number> {
  const documents = createDynamoDocumentClient(services.emulators.env);
  try {
    return await recoverUnfinishedJobs(documents, services.template.physicalName('JobsTable'));
  } finally {
    documents.destroy();
  }
}

/**
 * A queue worker per SQS event source, each added to `workers` as it starts (so a failure part-way
 * still stops those already running).
 */
async function startWorkers(
  services: BackingServices,
  functions: [string, FunctionEvent[]][],
  run: { wire: WireHandler; wireCopy: WireHandler; log: Log; workers: QueueWorker[]; chunkWorkers: number },
): Promise<void> {
  const { log, workers } = run;
  const sources = functions.flatMap(([logicalId, events]) =>
    events
      .filter((event) => event.Type === 'SQS')
      .map((event) => ({ logicalId, queueLogicalId: event.queueLogicalId as string })),
  );
  for (const { logicalId, queueLogicalId } of sources) {
    const queue = services.queues.get(queueLogicalId);
    if (!queue) throw new Error(`${logicalId} reads ${queueLogicalId}, which the template does not define`);
    // Each chunk encoder is a container of its own, as Lambda runs them side by side.
    const copies = logicalId === CHUNK_ENCODER ? run.chunkWorkers : 1;
    for (let copy = 0; copy < copies; copy++) {
      const handler = await (copy === 0 ? run.wire(logicalId) : run.wireCopy(logicalId));
      workers.push(
        startQueueWorker({
          queue,
          queueArn: String(services.template.resolve({ 'Fn::GetAtt': [queueLogicalId, 'Arn'] })),
          region: LOCAL_REGION,
          functionName: services.template.physicalName(logicalId),
          timeoutSeconds: services.template.functionTimeout(logicalId),
          handler: handler as (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>,
          log,
        }),
      );
    }
  }
}

/** The template's chunk encoder function, which `--chunk-workers` runs that many copies of. */
const CHUNK_ENCODER = 'ChunkEncoderFunction';

/** The chunking options over the template's parameter defaults. */
function chunkingOf(services: BackingServices, options: DevServerOptions): DevServer['chunking'] {
  const parameter = (name: string) => Number(services.template.resolve({ Ref: name }));
  return {
    workers: options.chunking?.workers ?? 2,
    thresholdSeconds: options.chunking?.thresholdSeconds ?? parameter('ChunkThresholdSeconds'),
    chunkSeconds: options.chunking?.chunkSeconds ?? parameter('ChunkSeconds'),
  };
}

/** Every function's environment for the chunking: no chunk queue at all when no encoder runs. */
function chunkingEnvironment(chunking: DevServer['chunking']): Record<string, string> {
  return {
    CHUNK_THRESHOLD_SECONDS: String(chunking.thresholdSeconds),
    CHUNK_SECONDS: String(chunking.chunkSeconds),
    ...(chunking.workers === 0 ? { CHUNK_QUEUE_URL: '' } : {}),
  };
}

/**
 * The keys of the usage plan: given, else `AUTO_VID_API_KEYS` (comma-separated), else
 * `AUTO_VID_API_KEY`, else one generated once and kept in the data folder. A key's id (its jobs'
 * owner, API Gateway's `apiKeyId`) is derived from its value, so it is the same at every start.
 */
async function loadApiKeys(dataDir: string, given?: readonly string[]): Promise<ApiKey[]> {
  const listed = given ?? process.env.AUTO_VID_API_KEYS?.split(',');
  const values = (listed ?? []).map((value) => value.trim()).filter((value) => value.length > 0);
  if (values.length === 0) {
    values.push(
      await loadKeptSecret(dataDir, 'api-key', process.env.AUTO_VID_API_KEY, () =>
        randomBytes(20).toString('base64url'),
      ),
    );
  }
  return [...new Set(values)].map((value) => ({ value, id: localApiKeyId(value) }));
}

/** Each key's own usage plan, made at its first request. */
function usagePlanPerKey(limits: UsagePlanLimits) {
  const plans = new Map<string, ReturnType<typeof createUsagePlan>>();
  return (keyId: string) => {
    const known = plans.get(keyId);
    if (known) return known;
    const plan = createUsagePlan(limits);
    plans.set(keyId, plan);
    return plan;
  };
}

/** A key's id here: ten hex digits of its SHA-256, as API Gateway's ids are ten characters. */
function localApiKeyId(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 10);
}

/** The gateway's routes: every Api event of every function, calling that function. */
async function buildRoutes(
  functions: [string, FunctionEvent[]][],
  wire: WireHandler,
): Promise<GatewayRoute[]> {
  const routes: GatewayRoute[] = [];
  for (const [logicalId, events] of functions) {
    for (const event of events.filter((e) => e.Type === 'Api')) {
      const handler = await wire(logicalId);
      routes.push({
        method: String(event.method).toUpperCase(),
        resource: String(event.path),
        apiKeyRequired: event.apiKeyRequired !== false,
        handler: (proxyEvent) => handler(proxyEvent) as Promise<APIGatewayProxyResult>,
      });
    }
  }
  return routes;
}

/** The usage plan: the options' numbers, else the template's parameter defaults. */
function usagePlanLimits(services: BackingServices, options: DevServerOptions): UsagePlanLimits {
  const parameter = (name: string) => Number(services.template.resolve({ Ref: name }));
  return {
    rate: options.rate ?? parameter('ApiRateLimit'),
    burst: options.burst ?? parameter('ApiBurstLimit'),
    quota: options.quota ?? parameter('ApiQuotaLimit'),
  };
}
