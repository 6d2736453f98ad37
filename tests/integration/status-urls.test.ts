import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJobRecord, type JobRecord, type StoredOutput } from '@auto-vid/shared';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { getJobStatus, type StatusDeps } from '../../src/api/get-status.ts';
import { wire } from '../../src/handlers/get-status.ts';
import type { JobStore } from '../../src/jobs/job-store.ts';
import { createS3OutputStore, type OutputStore } from '../../src/jobs/output-store.ts';
import { processJob } from '../../src/processor/process-job.ts';
import { useEmulators } from '../support/emulators.ts';
import { NO_DELIVERABLES, OUTPUT_KEYS, VIEW_KEYS } from '../support/job-views.ts';
import { useProcessorHarness } from '../support/processor-harness.ts';

const stack = useEmulators();
const harness = useProcessorHarness(stack);

/** The status call's clock: the current second, so the URLs it signs work against the local S3. */
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const fromNow = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
const DAY = 86_400;

/** An S3 client on the local S3 signing with these credentials (the stack's key, maybe a session). */
function s3Signing(credentials: { sessionToken?: string; expiration?: Date } = {}): S3Client {
  const { AWS_ACCESS_KEY_ID = '', AWS_SECRET_ACCESS_KEY = '' } = stack.emulators.env;
  return new S3Client({
    endpoint: stack.emulators.s3Endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    credentials: { accessKeyId: AWS_ACCESS_KEY_ID, secretAccessKey: AWS_SECRET_ACCESS_KEY, ...credentials },
  });
}

let outputs = 0;

/** A rendered output in the bucket, and the record of the job that wrote it, URL signed at `signedAt`. */
async function completedJob(options: { signedAt?: Date; versionId?: string; storedUrl?: string } = {}) {
  const key = `outputs/status-${++outputs}.mp4`;
  const bytes = Buffer.from(`video ${key} `.repeat(300));
  await stack.s3.send(new PutObjectCommand({ Bucket: harness.bucket, Key: key, Body: bytes }));
  const signed = await createS3OutputStore(stack.s3).presignGet(
    { bucket: harness.bucket, key },
    { seconds: 3600, now: options.signedAt ?? fromNow(-2 * 3600) },
  );
  const output: StoredOutput = {
    url: options.storedUrl ?? signed.url,
    urlExpiresAt: signed.expiresAt.toISOString(),
    s3Uri: `s3://${harness.bucket}/${key}`,
    duration: 2,
    size: bytes.length,
    audio: null,
    captions: null,
    ...NO_DELIVERABLES,
    ...(options.versionId ? { versionId: options.versionId } : {}),
  };
  const record: JobRecord = {
    ...createJobRecord({
      jobId: crypto.randomUUID(),
      jobInfo: { title: 'T' },
      now: fromNow(-3 * 3600),
      ttlSeconds: DAY,
    }),
    status: 'completed',
    completedAt: fromNow(-2 * 3600).toISOString(),
    processingTime: 12.5,
    output,
    attempts: 1,
  };
  await harness.table.store.create(record);
  return { record, bytes };
}

function statusDeps(overrides: Partial<StatusDeps> = {}): StatusDeps {
  return {
    jobs: harness.table.store,
    outputs: createS3OutputStore(stack.s3),
    presignSeconds: DAY,
    clock: () => NOW,
    ...overrides,
  };
}

const viewOf = (response: APIGatewayProxyResult) => JSON.parse(response.body);
const queryOf = (url: string) => new URL(url).searchParams;

describe('GET /status: the download URL of a completed job', () => {
  it('replaces an expired stored URL with one that downloads the object', async () => {
    // Prepare
    const { record, bytes } = await completedJob({ signedAt: fromNow(-2 * 3600) });
    expect((await fetch(record.output.url as string)).status).toBe(403);

    // Act
    const response = await getJobStatus(record.jobId, statusDeps());

    // Assess
    expect(response.statusCode).toBe(200);
    const { output } = viewOf(response);
    const download = await fetch(output.url);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(bytes);
    expect(output.size).toBe(bytes.length);
    // Long-term keys: S3_PRESIGNED_URL_EXPIRATION from now, as X-Amz-Date and X-Amz-Expires say.
    expect(output.urlExpiresAt).toBe(fromNow(DAY).toISOString());
    expect(queryOf(output.url).get('X-Amz-Expires')).toBe(String(DAY));
    expect(queryOf(output.url).get('X-Amz-Date')).toBe(NOW.toISOString().replace(/[-:]|\.\d+/g, ''));
  });

  it('ends with temporary credentials whose expiration comes sooner', async () => {
    // Prepare
    const { record, bytes } = await completedJob();
    const expiration = fromNow(20 * 60);
    const outputs = createS3OutputStore(s3Signing({ sessionToken: 'session-1', expiration }));

    // Act
    const { output } = viewOf(await getJobStatus(record.jobId, statusDeps({ outputs })));

    // Assess
    expect(output.urlExpiresAt).toBe(expiration.toISOString());
    expect(Number(queryOf(output.url).get('X-Amz-Expires'))).toBeLessThanOrEqual(20 * 60);
    expect(queryOf(output.url).get('X-Amz-Security-Token')).toBe('session-1');
    const download = await fetch(output.url);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(bytes);
  });

  it('promises a session of unknown expiry PRESIGN_CREDENTIALS_SECONDS', async () => {
    // Prepare
    const { record } = await completedJob();
    const signer = s3Signing({ sessionToken: 'session-2' });

    // Act
    const configured = viewOf(
      await getJobStatus(
        record.jobId,
        statusDeps({ outputs: createS3OutputStore(signer, { credentialsSeconds: 900 }) }),
      ),
    );
    const byDefault = viewOf(
      await getJobStatus(record.jobId, statusDeps({ outputs: createS3OutputStore(signer) })),
    );

    // Assess
    expect(configured.output.urlExpiresAt).toBe(fromNow(900).toISOString());
    expect(queryOf(configured.output.url).get('X-Amz-Expires')).toBe('900');
    expect(byDefault.output.urlExpiresAt).toBe(fromNow(3600).toISOString());
    expect((await fetch(configured.output.url)).status).toBe(200);
  });

  it('signs for the version the job wrote, kept in the record by complete()', async () => {
    // Prepare: a job completed the way the processor completes it, in a versioned bucket.
    const job = createJobRecord({ jobId: crypto.randomUUID(), jobInfo: {}, now: NOW, ttlSeconds: DAY });
    await harness.table.store.create(job);
    await harness.table.store.claim(job.jobId, NOW, fromNow(900));
    const key = `s3://${harness.bucket}/outputs/versioned.mp4`;
    const output = {
      url: 'https://old',
      urlExpiresAt: NOW.toISOString(),
      s3Uri: key,
      duration: 2,
      size: 9,
      audio: null,
      ...NO_DELIVERABLES,
      captions: [
        {
          format: 'vtt' as const,
          url: 'https://old-vtt',
          s3Uri: `s3://${harness.bucket}/outputs/versioned.vtt`,
          language: 'de-DE',
          versionId: 'v-43',
        },
      ],
    };
    await harness.table.store.complete(
      job.jobId,
      1,
      { output: { ...output, versionId: 'v-42' }, processingTime: 1 },
      NOW,
    );
    const versioned = new S3Client({
      region: 'us-east-1',
      credentials: { accessKeyId: 'k', secretAccessKey: 's' },
    });

    // Act
    const response = await getJobStatus(job.jobId, statusDeps({ outputs: createS3OutputStore(versioned) }));

    // Assess
    expect((await harness.table.store.get(job.jobId))?.output.versionId).toBe('v-42');
    const view = viewOf(response);
    expect(queryOf(view.output.url).get('versionId')).toBe('v-42');
    expect(new URL(view.output.url).pathname).toBe('/outputs/versioned.mp4');
    expect(Object.keys(view.output)).toEqual(OUTPUT_KEYS);
    // Each caption sidecar is signed again too, for the version the job wrote; the version id
    // itself stays in the record.
    const [vtt] = view.output.captions;
    expect(Object.keys(vtt).sort()).toEqual(['format', 'language', 's3Uri', 'url']);
    expect(new URL(vtt.url).pathname).toBe('/outputs/versioned.vtt');
    expect(queryOf(vtt.url).get('versionId')).toBe('v-43');
    expect(vtt.language).toBe('de-DE');
  });

  it('gives a record without a version id a URL of the current object', async () => {
    // Prepare
    const { record, bytes } = await completedJob();

    // Act
    const { output } = viewOf(await getJobStatus(record.jobId, statusDeps()));

    // Assess
    expect(queryOf(output.url).has('versionId')).toBe(false);
    expect(Buffer.from(await (await fetch(output.url)).arrayBuffer())).toEqual(bytes);
  });

  it('keeps the version a record written before the version id was kept names in its URL', async () => {
    // Prepare
    const { record } = await completedJob({
      storedUrl: 'https://b.s3.amazonaws.com/outputs/a.mp4?versionId=v-old',
    });

    // Act
    const { output } = viewOf(await getJobStatus(record.jobId, statusDeps()));

    // Assess: signed again, for that version.
    expect(output.url).not.toBe(record.output.url);
    expect(queryOf(output.url).get('X-Amz-Expires')).toBe(String(DAY));
    expect(queryOf(output.url).get('versionId')).toBe('v-old');
  });

  it("answers exactly the view's keys: no ttl, bookkeeping or version id", async () => {
    // Prepare
    const { record } = await completedJob({ versionId: 'v-9' });

    // Act
    const view = viewOf(await getJobStatus(record.jobId, statusDeps()));

    // Assess
    expect(Object.keys(view)).toEqual(VIEW_KEYS);
    expect(Object.keys(view.output)).toEqual(OUTPUT_KEYS);
    expect(view).toMatchObject({
      jobId: record.jobId,
      status: 'completed',
      completedAt: record.completedAt,
      processingTime: 12.5,
      error: null,
      jobInfo: { title: 'T' },
      output: { s3Uri: record.output.s3Uri, duration: 2, size: record.output.size },
    });
  });

  it('only reads the table: the stored URL stays as the processor wrote it', async () => {
    // Prepare
    const { record } = await completedJob();
    const refuse = () => Promise.reject(new Error('GET /status must not write'));
    const readOnly: JobStore = {
      get: harness.table.store.get,
      create: refuse,
      claim: refuse,
      reportProgress: refuse,
      complete: refuse,
      markRetrying: refuse,
      fail: refuse,
      cancel: refuse,
      remove: refuse,
      list: refuse,
      recordDelivery: refuse,
      startChunks: refuse,
      countChunk: refuse,
      claimJoin: refuse,
      releaseJoin: refuse,
    };

    // Act
    const response = await getJobStatus(record.jobId, statusDeps({ jobs: readOnly }));

    // Assess
    expect(viewOf(response).output.url).not.toBe(record.output.url);
    expect(await harness.table.store.get(record.jobId)).toEqual(record);
  });
});

describe('GET /status: jobs with nothing to sign', () => {
  const noSigning: Pick<OutputStore, 'presignGet'> = {
    presignGet: () => Promise.reject(new Error('nothing should be signed')),
  };

  it('answers a job still processing as stored', async () => {
    // Prepare
    const record = {
      ...createJobRecord({ jobId: crypto.randomUUID(), jobInfo: {}, now: NOW, ttlSeconds: DAY }),
    };
    await harness.table.store.create({ ...record, status: 'processing', progress: 40 });

    // Act
    const response = await getJobStatus(record.jobId, statusDeps({ outputs: noSigning }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(viewOf(response)).toMatchObject({ status: 'processing', progress: 40, output: record.output });
  });

  it('answers a job written to a local folder as stored', async () => {
    // Prepare
    const audio = { integratedLufs: -20.5, truePeakDbtp: -6, loudnessRange: 2.3 };
    const output = {
      url: null,
      urlExpiresAt: null,
      s3Uri: null,
      duration: 2,
      size: 100,
      audio,
      captions: null,
      ...NO_DELIVERABLES,
    };
    const record: JobRecord = {
      ...createJobRecord({ jobId: crypto.randomUUID(), jobInfo: {}, now: NOW, ttlSeconds: DAY }),
      status: 'completed',
      completedAt: NOW.toISOString(),
      output,
    };
    await harness.table.store.create(record);

    // Act
    const response = await getJobStatus(record.jobId, statusDeps({ outputs: noSigning }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(viewOf(response).output).toEqual(output);
  });
});

describe('the GetStatus function wired from its environment', () => {
  it('signs with S3_PRESIGNED_URL_EXPIRATION and its own S3 client', async () => {
    // Prepare
    const { record, bytes } = await completedJob();
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const event = JSON.parse(readFileSync(join(root, 'events', 'get-status.json'), 'utf8'));
    event.pathParameters.jobId = record.jobId;
    const handler = wire({
      ...stack.emulators.env,
      DYNAMODB_JOBS_TABLE: harness.table.name,
      S3_PRESIGNED_URL_EXPIRATION: '600',
      LOG_LEVEL: 'SILENT',
    });
    const before = Date.now();

    // Act
    const response = await handler(event);

    // Assess
    expect(response.statusCode).toBe(200);
    const { output } = viewOf(response);
    const expiresAt = Date.parse(output.urlExpiresAt);
    expect(expiresAt).toBeGreaterThan(before + 598_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 600_000);
    expect(Buffer.from(await (await fetch(output.url)).arrayBuffer())).toEqual(bytes);
  });
});

describe('processJob: the expiry it states', () => {
  it('is when the signing credentials end, in the record and in the webhook', async () => {
    // Prepare
    const expiration = new Date(Math.floor(Date.now() / 1000) * 1000 + 20 * 60_000);
    const run = harness.deps({
      outputs: createS3OutputStore(s3Signing({ sessionToken: 's-3', expiration })),
    });
    const message = await harness.enqueue(harness.specFor({ output: { filename: 'short-session' } }));

    // Act
    const outcome = await processJob(message, run);

    // Assess
    expect(outcome).toEqual({ action: 'done', status: 'completed' });
    const record = await harness.table.store.get(message.jobId);
    expect(record?.output.urlExpiresAt).toBe(expiration.toISOString());
    expect(Number(queryOf(record?.output.url as string).get('X-Amz-Expires'))).toBeLessThanOrEqual(20 * 60);
    const [hook] = harness.hooksFor(message.jobId);
    const body = JSON.parse(hook?.body ?? '{}');
    expect(body.output.urlExpiresAt).toBe(expiration.toISOString());
    expect(Object.keys(body.output)).toEqual(OUTPUT_KEYS);
  });
});
