import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PollyClient,
  SynthesizeSpeechCommand,
  type SynthesizeSpeechCommandOutput,
} from '@aws-sdk/client-polly';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobStore } from '../../src/jobs/job-store.ts';
import type { OutputStore } from '../../src/jobs/output-store.ts';
import { failDeadLetteredJob } from '../../src/processor/dead-letter.ts';
import { type Delivery, processJob } from '../../src/processor/process-job.ts';
import { createPollySynthesizer } from '../../src/processor/speech/polly.ts';
import { useEmulators } from '../support/emulators.ts';
import { makeTone } from '../support/media.ts';
import { useProcessorHarness } from '../support/processor-harness.ts';

const stack = useEmulators();
const harness = useProcessorHarness(stack);
const { specFor, enqueue, deps, hooksFor } = harness;

const awsError = (name: string, status: number) =>
  Object.assign(new Error(`${name} (injected)`), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });

/** `real`, except that its first call is answered by `fault`. */
function faultyOnce<A extends unknown[], R>(
  real: (...args: A) => Promise<R>,
  fault: (...args: A) => Promise<R>,
) {
  let faulted = false;
  return (...args: A): Promise<R> => {
    if (faulted) return real(...args);
    faulted = true;
    return fault(...args);
  };
}

async function finalOf(jobId: string) {
  return harness.table.store.get(jobId);
}

/** Delivers the message until it is done or has been received three times, then the DLQ path. */
async function deliverLikeSqs(
  message: Awaited<ReturnType<typeof enqueue>>,
  run: ReturnType<typeof deps>,
  delivery: Delivery = {},
) {
  for (let receive = 1; receive <= 3; receive++) {
    const outcome = await processJob(message, run, delivery);
    if (outcome.action === 'done') return outcome;
  }
  await failDeadLetteredJob(message, run);
  return { action: 'dead-lettered' as const };
}

afterEach(() => {
  delete process.env.FFMPEG_PATH;
});

describe('S3 faults', () => {
  it('a 5xx on download is retried and the job completes when S3 recovers', async () => {
    const flaky = new S3Client({ region: 'us-east-1' });
    const mock = mockClient(flaky);
    mock
      .on(GetObjectCommand)
      .rejectsOnce(awsError('InternalError', 500))
      .callsFake((input) => stack.s3.send(new GetObjectCommand(input)));
    const message = await enqueue(specFor({ output: { filename: 's3-5xx' } }));
    const run = deps({ renderPorts: { s3: flaky } });
    expect(await deliverLikeSqs(message, run)).toEqual({ action: 'done', status: 'completed' });
    expect((await finalOf(message.jobId))?.attempts).toBe(2);
    expect(run.logs.map((l) => l.message)).toContain(
      'Job hit a fault that may pass; the message will be redelivered',
    );
    expect(hooksFor(message.jobId).map((h) => JSON.parse(h.body).status)).toEqual(['completed']);
  });

  it('a download that stalls is cut at the deadline and retried, then dead-lettered as failed', async () => {
    const stalled = new S3Client({ region: 'us-east-1' });
    mockClient(stalled)
      .on(GetObjectCommand)
      .callsFake(() => new Promise(() => {})); // never answers
    const message = await enqueue(specFor({ output: { filename: 's3-slow' } }));
    expect(
      await deliverLikeSqs(message, deps({ renderPorts: { s3: stalled } }), { deadlineAt: Date.now() + 300 }),
    ).toEqual({
      action: 'dead-lettered',
    });
    const record = await finalOf(message.jobId);
    expect(record?.status).toBe('failed');
    expect(record?.error).toBe(
      'Processing failed after 3 attempts: Render stopped: the time left for this attempt ran out',
    );
    expect(hooksFor(message.jobId).map((h) => JSON.parse(h.body).status)).toEqual(['failed']);
  });

  it('a 5xx on upload leaves the job to a retry; access denied fails it at once', async () => {
    const real = deps().outputs;
    const flakyOutputs: OutputStore = {
      ...real,
      upload: faultyOnce(real.upload, () => Promise.reject(awsError('ServiceUnavailable', 503))),
    };
    const message = await enqueue(specFor({ output: { filename: 'upload-5xx' } }));
    expect(await deliverLikeSqs(message, deps({ outputs: flakyOutputs }))).toEqual({
      action: 'done',
      status: 'completed',
    });

    const denied: OutputStore = {
      ...real,
      upload: async () => Promise.reject(awsError('AccessDenied', 403)),
    };
    const refused = await enqueue(specFor({ output: { filename: 'upload-denied' } }));
    expect(await processJob(refused, deps({ outputs: denied }))).toEqual({
      action: 'done',
      status: 'failed',
    });
    expect((await finalOf(refused.jobId))?.error).toBe(
      `The output could not be stored at s3://${harness.bucket}/outputs/upload-denied.mp4: AccessDenied`,
    );
    expect(hooksFor(refused.jobId)).toHaveLength(1);
  });
});

describe('a slow S3 upload', () => {
  it('is cut at the deadline and left to a retry, which completes', async () => {
    const real = deps().outputs;
    const slowOutputs: OutputStore = {
      ...real,
      upload: faultyOnce(
        real.upload,
        (_path, _location, signal) =>
          new Promise((_, reject) =>
            signal?.addEventListener('abort', () => reject(signal.reason), { once: true }),
          ),
      ),
    };
    const message = await enqueue(specFor({ output: { filename: 'upload-slow' } }));
    const first = await processJob(message, deps({ outputs: slowOutputs }), {
      deadlineAt: Date.now() + 6_000,
    });
    expect(first).toEqual({
      action: 'retry',
      reason: 'Upload stopped: the time left for this attempt ran out',
    });
    expect((await finalOf(message.jobId))?.status).toBe('retrying');
    expect(await processJob(message, deps({ outputs: slowOutputs }))).toEqual({
      action: 'done',
      status: 'completed',
    });
    expect(hooksFor(message.jobId).map((h) => JSON.parse(h.body).status)).toEqual(['completed']);
  });
});

describe('DynamoDB throttling', () => {
  it('on claim: the message comes back and the job is neither lost nor rendered twice', async () => {
    const real = harness.table.store;
    const jobs: JobStore = {
      ...real,
      claim: faultyOnce(real.claim, () =>
        Promise.reject(awsError('ProvisionedThroughputExceededException', 400)),
      ),
    };
    const message = await enqueue(specFor({ output: { filename: 'ddb-throttle' } }));
    const run = deps({ jobs });
    await expect(processJob(message, run)).rejects.toThrow(
      'ProvisionedThroughputExceededException (injected)',
    );
    expect((await finalOf(message.jobId))?.status).toBe('submitted');
    expect(await processJob(message, run)).toEqual({ action: 'done', status: 'completed' });
    expect(run.renders).toBe(1);
    expect(hooksFor(message.jobId)).toHaveLength(1);
  });
});

describe('Polly faults', () => {
  const polly = new PollyClient({ region: 'us-east-1' });
  const pollyMock = mockClient(polly);
  const clip = () => {
    const bytes = new Uint8Array(readFileSync(makeTone(harness.media, 'speech.mp3', 330, 1)));
    return {
      AudioStream: {
        transformToByteArray: async () => bytes,
        transformToWebStream: () => new Blob([bytes]).stream(),
      } as unknown as SynthesizeSpeechCommandOutput['AudioStream'],
    };
  };

  it('throttling is retried and the job completes', async () => {
    pollyMock.reset();
    pollyMock.on(SynthesizeSpeechCommand).rejectsOnce(awsError('ThrottlingException', 400)).resolves(clip());
    const message = await enqueue(specFor({ output: { filename: 'polly-throttle' } }));
    expect(
      await deliverLikeSqs(message, deps({ renderPorts: { speech: createPollySynthesizer(polly) } })),
    ).toEqual({
      action: 'done',
      status: 'completed',
    });
    expect(pollyMock.commandCalls(SynthesizeSpeechCommand)).toHaveLength(2);
  });

  it('a 400 fails the job at once with its reason and the webhook', async () => {
    pollyMock.reset();
    pollyMock.on(SynthesizeSpeechCommand).rejects(awsError('InvalidSsmlException', 400));
    const message = await enqueue(specFor({ output: { filename: 'polly-400' } }));
    const run = deps({ renderPorts: { speech: createPollySynthesizer(polly) } });
    expect(await processJob(message, run)).toEqual({ action: 'done', status: 'failed' });
    expect((await finalOf(message.jobId))?.error).toBe(
      'Polly InvalidSsmlException: InvalidSsmlException (injected)',
    );
    expect(run.logs.find((l) => l.message === 'Job failed')?.fields).toMatchObject({ jobId: message.jobId });
    expect(hooksFor(message.jobId).map((h) => JSON.parse(h.body).status)).toEqual(['failed']);
  });
});

describe('ffmpeg and media faults', () => {
  it('an ffmpeg crash fails the job with ffmpeg named, and the webhook', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'auto-vid-crash-'));
    const crash = join(bin, 'ffmpeg');
    writeFileSync(crash, '#!/bin/sh\necho "Segmentation fault (injected)" >&2\nkill -SEGV $$\n');
    chmodSync(crash, 0o755);
    process.env.FFMPEG_PATH = crash;
    const message = await enqueue(specFor({ output: { filename: 'crash' } }));
    const run = deps();
    expect(await processJob(message, run)).toEqual({ action: 'done', status: 'failed' });
    expect((await finalOf(message.jobId))?.error).toMatch(/^ffmpeg failed: Segmentation fault \(injected\)/);
    expect(hooksFor(message.jobId)).toHaveLength(1);
    expect(run.logs.filter((l) => l.level === 'error').map((l) => [l.message, l.fields.jobId])).toEqual([
      ['Job failed', message.jobId],
    ]);
  });

  it('corrupt media fails the job at once', async () => {
    const bucketKey = 'assets/t/corrupt.mp4';
    await stack.s3.send(
      new PutObjectCommand({ Bucket: harness.bucket, Key: bucketKey, Body: 'not a video at all' }),
    );
    const spec = specFor({ output: { filename: 'corrupt' } });
    spec.assets.video.source = `s3://${harness.bucket}/${bucketKey}`;
    const message = await enqueue(spec);
    expect(await processJob(message, deps())).toEqual({ action: 'done', status: 'failed' });
    expect((await finalOf(message.jobId))?.error).toMatch(/^Video asset 'v' is not readable media: /);
  });

  it('a render that passes the deadline is retried, then dead-lettered as failed with one webhook', async () => {
    const message = await enqueue(specFor({ output: { filename: 'deadline' } }));
    const run = deps();
    expect(await deliverLikeSqs(message, run, { deadlineAt: Date.now() - 1 })).toEqual({
      action: 'dead-lettered',
    });
    const record = await finalOf(message.jobId);
    expect(record).toMatchObject({ status: 'failed', attempts: 3 });
    expect(hooksFor(message.jobId)).toHaveLength(1);
    expect(run.logs.map((l) => l.message)).toEqual([
      ...Array(3)
        .fill(['Job claimed', 'Job hit a fault that may pass; the message will be redelivered'])
        .flat(),
      'Job failed: its message reached the dead-letter queue',
      // The harness's queue delivers as it is handed the notification, before the notifier logs it.
      'Webhook delivered',
      'Webhook queued',
    ]);
  });
});

describe('a processor that dies mid-job', () => {
  it('leaves a lease; the redelivered message takes the job over once the lease ran out, and it finishes once', async () => {
    const message = await enqueue(specFor({ output: { filename: 'died' } }));
    // The first processor claimed the job and vanished (a 1 ms lease stands for an expired 900 s one).
    const dead = await harness.table.store.claim(
      message.jobId,
      new Date(Date.now() - 1000),
      new Date(Date.now() - 1),
    );
    expect(dead.claimed).toBe(true);
    const run = deps();
    expect(await processJob(message, run)).toEqual({ action: 'done', status: 'completed' });
    expect(await processJob(message, run)).toEqual({ action: 'done', status: 'completed' });
    expect(run.renders).toBe(1);
    expect((await finalOf(message.jobId))?.attempts).toBe(2);
    expect(hooksFor(message.jobId)).toHaveLength(1);
  });
});
