import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { APIGatewayProxyResult, Context, SQSBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDocumentClient, createS3Client } from '../../src/aws/clients.ts';
import { createDynamoJobStore } from '../../src/jobs/dynamo-job-store.ts';
import type { JobStore } from '../../src/jobs/job-store.ts';
import {
  type BackingServices,
  startBackingServices,
} from '../../src/local/backing-services/backing-services.ts';
import { createLambdaContext } from '../../src/local/lambda-context.ts';
import { OUTPUT_NOT_YET_MADE } from '../support/job-views.ts';
import { makeTone, makeVideo } from '../support/media.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const event = (name: string) => JSON.parse(readFileSync(join(root, 'events', name), 'utf8'));
type ApiHandler = (event: unknown, context?: Context) => Promise<APIGatewayProxyResult>;
type SqsHandler = (event: unknown, context: Context) => Promise<SQSBatchResponse>;

let services: BackingServices;
let jobs: JobStore;
const handlers = {} as {
  submit: ApiHandler;
  status: ApiHandler;
  uploads: ApiHandler;
  process: SqsHandler;
  deadLetter: SqsHandler;
};
const context = (id: string) => createLambdaContext(id, services.template.functionTimeout(id));

beforeAll(async () => {
  services = await startBackingServices({ dataDir: mkdtempSync(join(tmpdir(), 'auto-vid-handlers-')) });
  // Each function wired from its own environment, as Lambda would give it.
  const load = (id: string) => services.wireFunction<never>(id);
  handlers.submit = await load('SubmitJobFunction');
  handlers.status = await load('GetStatusFunction');
  handlers.uploads = await load('CreateUploadsFunction');
  handlers.process = await load('VideoProcessorFunction');
  handlers.deadLetter = await load('DeadLetterFunction');
  const env = services.environmentFor('VideoProcessorFunction');
  jobs = createDynamoJobStore(createDynamoDocumentClient(env), services.template.physicalName('JobsTable'));

  const media = mkdtempSync(join(tmpdir(), 'auto-vid-handlers-media-'));
  const s3 = createS3Client(env);
  const bucket = services.template.physicalName('S3Bucket');
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: 'assets/sample/video.mp4',
      Body: readFileSync(makeVideo(media, 'v.mp4', 2)),
    }),
  );
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: 'assets/sample/music.wav',
      Body: readFileSync(makeTone(media, 'm.wav', 220, 3)),
    }),
  );
});
afterAll(() => services.close());

const body = (response: APIGatewayProxyResult) => JSON.parse(response.body);

/** Submits the sample spec and returns the job with the SQS event that would deliver it. */
async function submitAndDeliver() {
  const submitted = body(await handlers.submit(event('submit-job.json'), context('SubmitJobFunction')));
  const processEvent = event('process-job.json');
  const message = JSON.parse(processEvent.Records[0].body);
  message.jobId = submitted.jobId;
  processEvent.Records[0].body = JSON.stringify(message);
  return { submitted, processEvent };
}

describe('the sample events against their handlers', () => {
  it('events/submit-job.json: 200, a record, a message on the jobs queue', async () => {
    const before = services.queues.get('JobsQueue')?.size ?? 0;
    const response = await handlers.submit(event('submit-job.json'), context('SubmitJobFunction'));
    expect(response.statusCode).toBe(200);
    const view = body(response);
    expect(view.status).toBe('submitted');
    expect((await jobs.get(view.jobId))?.status).toBe('submitted');
    expect(services.queues.get('JobsQueue')?.size).toBe(before + 1);
  });

  it('events/create-uploads.json: presigned URLs into the stack bucket', async () => {
    const response = await handlers.uploads(event('create-uploads.json'));
    expect(response.statusCode).toBe(200);
    const { uploads } = body(response);
    expect(uploads.map((u: { name: string }) => u.name)).toEqual(['video.mp4', 'music.wav']);
    expect(uploads[0].source).toMatch(
      /^s3:\/\/auto-vid-s3-bucket-local-000000000000\/assets\/[0-9a-f-]{36}\/video\.mp4$/,
    );
  });

  it('events/process-job.json then events/get-status.json: the job completes and reads back', async () => {
    const message = JSON.parse(event('process-job.json').Records[0].body);
    const missing = await handlers.status(event('get-status.json'));
    expect(missing.statusCode).toBe(404);

    await jobs.create({
      jobId: message.jobId,
      status: 'submitted',
      submittedAt: message.submittedAt,
      updatedAt: message.submittedAt,
      completedAt: null,
      processingTime: null,
      output: { ...OUTPUT_NOT_YET_MADE },
      error: null,
      jobInfo: message.jobSpec.jobInfo,
      ttl: Math.floor(Date.now() / 1000) + 3600,
    });
    const result = await handlers.process(event('process-job.json'), context('VideoProcessorFunction'));
    expect(result).toEqual({ batchItemFailures: [] });

    const status = await handlers.status(event('get-status.json'));
    expect(status.statusCode).toBe(200);
    expect(body(status)).toMatchObject({
      jobId: message.jobId,
      status: 'completed',
      output: { s3Uri: 's3://auto-vid-s3-bucket-local-000000000000/outputs/sample-event.mp4' },
    });
    expect(body(status)).not.toHaveProperty('ttl');
  });

  it('events/dead-letter.json: a job already final stays as it is', async () => {
    const result = await handlers.deadLetter(event('dead-letter.json'), context('DeadLetterFunction'));
    expect(result).toEqual({ batchItemFailures: [] });
    const message = JSON.parse(event('dead-letter.json').Records[0].body);
    expect((await jobs.get(message.jobId))?.status).toBe('completed');
  });

  it('reports a job that must come back as a batch item failure', async () => {
    const { submitted, processEvent } = await submitAndDeliver();
    // Another delivery holds the job: this one must be retried later, not dropped.
    await jobs.claim(submitted.jobId, new Date(), new Date(Date.now() + 60_000));
    const result = await handlers.process(processEvent, context('VideoProcessorFunction'));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: processEvent.Records[0].messageId }] });
  });
});

describe('processor logs', () => {
  it('are JSON lines that all carry the jobId and never a presigned URL or the signing secret', async () => {
    const { submitted, processEvent } = await submitAndDeliver();

    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      return write(chunk, ...rest);
    }) as typeof process.stdout.write;
    try {
      await handlers.process(processEvent, context('VideoProcessorFunction'));
    } finally {
      process.stdout.write = write;
    }

    const records = lines.map((line) => JSON.parse(line));
    expect(records.map((r) => r.message)).toEqual(expect.arrayContaining(['Job claimed', 'Job completed']));
    for (const record of records) expect(record.jobId).toBe(submitted.jobId);
    const all = lines.join('\n');
    expect(all).not.toMatch(/X-Amz-Signature|X-Amz-Credential/);
    const secret = services.environmentFor('VideoProcessorFunction').WEBHOOK_SECRET;
    expect(secret).toMatch(/^whsec_/);
    expect(all).not.toContain(secret);
    expect((await jobs.get(submitted.jobId))?.output.url).toMatch(/X-Amz-Signature/);
  });
});

describe('Idempotency-Key on POST /submit', () => {
  const keyed = (key: string, spec?: object) => {
    const submit = event('submit-job.json');
    submit.headers['Idempotency-Key'] = key;
    if (spec) submit.body = JSON.stringify(spec);
    return submit;
  };

  it('answers the same key and body with the same job, and another body with 409', async () => {
    const key = `order-${crypto.randomUUID()}`;
    const first = await handlers.submit(keyed(key), context('SubmitJobFunction'));
    const again = await handlers.submit(keyed(key), context('SubmitJobFunction'));
    expect(first.statusCode).toBe(200);
    expect(body(again).jobId).toBe(body(first).jobId);

    const spec = JSON.parse(event('submit-job.json').body);
    spec.output.filename = 'other.mp4';
    const conflict = await handlers.submit(keyed(key, spec), context('SubmitJobFunction'));
    expect(conflict.statusCode).toBe(409);
    expect(body(conflict).error).toBe('Idempotency-Key was already used with a different request body');
  });

  it('remembers only a request that created a job: a key whose body got a 400 may be used again', async () => {
    // Prepare
    const key = `fix-${crypto.randomUUID()}`;
    const spec = JSON.parse(event('submit-job.json').body);
    const broken = { ...spec, output: { ...spec.output, filename: 7 } };
    // Act
    const rejected = await handlers.submit(keyed(key, broken), context('SubmitJobFunction'));
    const corrected = await handlers.submit(keyed(key, spec), context('SubmitJobFunction'));
    const again = await handlers.submit(keyed(key, spec), context('SubmitJobFunction'));
    // Assess
    expect(rejected.statusCode).toBe(400);
    expect(corrected.statusCode).toBe(200);
    expect(body(again).jobId).toBe(body(corrected).jobId);
  });

  it('creates one job for ten parallel identical requests', async () => {
    const key = `burst-${crypto.randomUUID()}`;
    const before = services.queues.get('JobsQueue')?.size ?? 0;
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => handlers.submit(keyed(key), context('SubmitJobFunction'))),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
    expect(new Set(responses.map((r) => body(r).jobId)).size).toBe(1);
    expect(services.queues.get('JobsQueue')?.size).toBe(before + 1);
  });
});

describe('auto-vid invoke', () => {
  const cli = (...args: string[]) => {
    try {
      return {
        status: 0,
        stdout: execFileSync(process.execPath, [join(root, 'bin/auto-vid.js'), ...args], {
          cwd: root,
          encoding: 'utf8',
          stdio: 'pipe',
        }),
      };
    } catch (error) {
      const failure = error as { status: number; stdout: string; stderr: string };
      return { status: failure.status, stdout: failure.stdout, stderr: failure.stderr };
    }
  };

  it('runs a function of the template on an event and prints its result last', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'auto-vid-invoke-'));
    const run = cli('invoke', 'GetStatusFunction', 'events/get-status.json', '--data-dir', dataDir);
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '');
    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body).error).toBe('Job 5f0c6a54-3c1e-4a7e-9a55-2f3b8f9d1c01 not found');
  });

  it('says so when the function is not in the template', () => {
    const run = cli(
      'invoke',
      'NoSuchFunction',
      'events/get-status.json',
      '--data-dir',
      mkdtempSync(join(tmpdir(), 'x-')),
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('template.yaml has no function NoSuchFunction');
  });
});
