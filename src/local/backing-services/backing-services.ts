import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createDynamoClient, createS3Client } from '../../aws/clients.ts';
import { type ResolvedTemplate, resolveTemplate } from '../../template/resolve-template.ts';
import { functionCode, loadTemplate, type SamTemplate } from '../../template/template.ts';
import { loadKeptSecret } from '../kept-secret.ts';
import { type Emulators, startEmulators } from './emulators.ts';
import { LocalQueue } from './local-queue.ts';
import { ensureBucket, ensureTable } from './provision.ts';
import { LOCAL_ACCOUNT_ID, type SqsEndpoint, startSqsEndpoint } from './sqs-endpoint.ts';

/** The CloudFormation stack name the template is resolved with here (`AWS::StackName`). */
export const LOCAL_STACK_NAME = 'local';
export const LOCAL_REGION = 'us-east-1';

/** The repository root, against which the template's entry points are written. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface BackingServicesOptions {
  /** Tables, objects and the generated secrets live here across runs. */
  readonly dataDir: string;
  readonly template?: SamTemplate;
  /** Replaces every queue's visibility timeout (the template's 90 minutes suit Lambda, not a laptop). */
  readonly visibilityTimeoutMs?: number;
  readonly parameters?: Readonly<Record<string, string>>;
}

export interface WireOptions {
  /** Variables laid over the function's own (a log level, say). */
  readonly env?: Readonly<Record<string, string>>;
  /** Handed to a function that can be stopped by its host (the processor). */
  readonly stopSignal?: AbortSignal;
}

export interface BackingServices {
  /** template.yaml resolved against the local stack name, account, region and queue URLs. */
  readonly template: ResolvedTemplate;
  readonly emulators: Emulators;
  readonly sqs: SqsEndpoint;
  /** Local queues by logical id (JobsQueue, JobsDeadLetterQueue). */
  readonly queues: ReadonlyMap<string, LocalQueue>;
  /** Every port the backing services listen on (never a webhook's or an asset's target). */
  readonly stackPorts: readonly number[];
  /** The environment a function runs with here: the template's, pointed at the stand-ins. */
  environmentFor(logicalId: string): Record<string, string>;
  /** The module and export that implement a function's handler. */
  handlerFor(logicalId: string): { moduleUrl: string; exportName: string };
  /**
   * A function ready to call, wired by its module's `wire(env)` from the environment Lambda would
   * give it here (plus `env`), so process.env is never touched and each start has its own clients.
   */
  wireFunction<F>(logicalId: string, options?: WireOptions): Promise<F>;
  close(): Promise<void>;
}

/**
 * The AWS services the template declares, on one machine: dynalite and s3rver with the template's
 * tables and bucket, the template's queues (with their redrive) behind a local SQS endpoint, and
 * each function's environment resolved as CloudFormation would, pointed at them.
 * `auto-vid invoke` and the dev server (`auto-vid dev`) both stand on this.
 */
export async function startBackingServices(options: BackingServicesOptions): Promise<BackingServices> {
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const emulators = await startEmulators({ dataDir });
  let sqs: SqsEndpoint | undefined;
  try {
    // Queue URLs are only asked for once the SQS endpoint below is listening.
    const template = resolveTemplate(options.template ?? loadTemplate(), {
      stackName: LOCAL_STACK_NAME,
      accountId: LOCAL_ACCOUNT_ID,
      region: LOCAL_REGION,
      queueUrl: (name) => {
        if (!sqs) throw new Error('The local SQS endpoint is not started yet');
        return sqs.queueUrl(name);
      },
      parameters: options.parameters,
    });
    const queues = createQueues(template, options.visibilityTimeoutMs);
    sqs = await startSqsEndpoint(new Map([...queues.values()].map((queue) => [queue.name, queue])));
    await provisionStorage(template, emulators);
    // A Standard Webhooks secret, kept per data folder unless AUTO_VID_WEBHOOK_SECRET gives one.
    const webhookSecret = await loadKeptSecret(
      dataDir,
      'webhook-secret',
      process.env.AUTO_VID_WEBHOOK_SECRET,
      () => `whsec_${randomBytes(24).toString('base64')}`,
    );
    return assembleServices({ template, emulators, sqs, queues, webhookSecret });
  } catch (error) {
    await sqs?.close();
    await emulators.close();
    throw error;
  }
}

/** The template's queues by logical id, dead-letter queues first so a queue can be given its target. */
function createQueues(template: ResolvedTemplate, visibilityTimeoutMs?: number): Map<string, LocalQueue> {
  const queues = new Map<string, LocalQueue>();
  const ordered = [...template.queues()].sort(
    (a, b) => Number(Boolean(a.redrive)) - Number(Boolean(b.redrive)),
  );
  for (const definition of ordered) {
    const queue = new LocalQueue({
      name: definition.name,
      visibilityTimeoutMs: visibilityTimeoutMs ?? definition.visibilityTimeoutSeconds * 1000,
      maxReceiveCount: definition.redrive?.maxReceiveCount,
      deadLetter: definition.redrive ? queues.get(definition.redrive.deadLetterLogicalId) : undefined,
    });
    queues.set(definition.logicalId, queue);
  }
  return queues;
}

/** The template's tables and buckets on dynalite and s3rver, created when missing. */
async function provisionStorage(template: ResolvedTemplate, emulators: Emulators): Promise<void> {
  const dynamo = createDynamoClient({ ...emulators.env });
  for (const table of template.tables()) await ensureTable(dynamo, table);
  dynamo.destroy();
  const s3 = createS3Client({ ...emulators.env });
  for (const bucket of template.buckets()) await ensureBucket(s3, bucket, bucketCors(template, bucket));
  s3.destroy();
}

/** The template's CORS rules of a bucket, so presigned uploads work from a browser here too. */
function bucketCors(template: ResolvedTemplate, bucket: string) {
  const resource = Object.entries(template.source.Resources).find(
    ([id, r]) => r.Type === 'AWS::S3::Bucket' && template.physicalName(id) === bucket,
  )?.[1];
  const rules = (
    template.resolve(resource?.Properties?.CorsConfiguration) as { CorsRules?: object[] } | undefined
  )?.CorsRules;
  return rules as Parameters<typeof ensureBucket>[2];
}

interface StartedParts {
  readonly template: ResolvedTemplate;
  readonly emulators: Emulators;
  readonly sqs: SqsEndpoint;
  readonly queues: ReadonlyMap<string, LocalQueue>;
  readonly webhookSecret: string;
}

function assembleServices({
  template,
  emulators,
  sqs,
  queues,
  webhookSecret,
}: StartedParts): BackingServices {
  const stackPorts = [...emulators.ports, Number(new URL(sqs.endpoint).port)];
  const environmentFor = (logicalId: string): Record<string, string> => {
    // The cloud's secret, API address and distribution are not this stack's: the secret is given
    // below, the API's address by `auto-vid dev` (a lone invoke has none), and no CDN runs here.
    const {
      WEBHOOK_SECRET_ARN: _arn,
      PUBLIC_API_URL: _api,
      CDN_BASE_URL: _cdn,
      ...fromTemplate
    } = template.functionEnvironment(logicalId);
    return {
      ...fromTemplate,
      ...emulators.env,
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      AUTO_VID_LOCAL_MODE: 'true',
      AUTO_VID_STACK_PORTS: stackPorts.join(','),
      SPEECH_ENGINE: 'espeak',
      WEBHOOK_SECRET: webhookSecret,
    };
  };
  const handlerFor = (logicalId: string) => {
    const { handler, entryPoint } = functionCode(template.source, logicalId);
    return {
      moduleUrl: pathToFileURL(resolve(ROOT, entryPoint)).href,
      exportName: handler.slice(handler.lastIndexOf('.') + 1),
    };
  };
  return {
    template,
    emulators,
    stackPorts,
    sqs,
    queues,
    environmentFor,
    handlerFor,
    async wireFunction<F>(logicalId: string, wireOptions: WireOptions = {}) {
      const module = (await import(handlerFor(logicalId).moduleUrl)) as {
        wire?: (env: NodeJS.ProcessEnv, options: { stopSignal?: AbortSignal }) => F;
      };
      if (typeof module.wire !== 'function')
        throw new Error(`The handler module of ${logicalId} exports no wire(env)`);
      return module.wire(
        { ...environmentFor(logicalId), ...wireOptions.env },
        { stopSignal: wireOptions.stopSignal },
      );
    },
    async close() {
      await sqs.close();
      await emulators.close();
    },
  };
}
