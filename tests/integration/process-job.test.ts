import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createJobRecord, type JobMessage, type JobSpec } from '@auto-vid/shared';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3OutputStore } from '../../src/jobs/output-store.ts';
import { createWebhookSender, WEBHOOK_USER_AGENT } from '../../src/jobs/webhook-sender.ts';
import { LOCAL_EGRESS } from '../../src/net/egress-guard.ts';
import { failDeadLetteredJob } from '../../src/processor/dead-letter.ts';
import { RenderInterruptedError } from '../../src/processor/errors.ts';
import { type ProcessDeps, processJob } from '../../src/processor/process-job.ts';
import { type RenderPorts, renderJob } from '../../src/processor/render-job.ts';
import { createEspeakSynthesizer } from '../../src/processor/speech/espeak.ts';
import { useEmulators } from '../support/emulators.ts';
import { createJobTable, type JobTable } from '../support/job-table.ts';
import { makeTone, makeVideo, probeDuration, probeStreams } from '../support/media.ts';
import {
  type ReceivedWebhook,
  startWebhookReceiver,
  type WebhookReceiver,
} from '../support/webhook-receiver.ts';

const stack = useEmulators();
const SECRET = `whsec_${Buffer.from('a test signing secret of 32 byte').toString('base64')}`;
const media = mkdtempSync(join(tmpdir(), 'auto-vid-process-media-'));
let table: JobTable;
let receiver: WebhookReceiver;
let bucket: string;

beforeAll(async () => {
  table = await createJobTable(stack.emulators);
  receiver = await startWebhookReceiver();
  bucket = await stack.createBucket('jobs');
  const video = readFileSync(makeVideo(media, 'v.mp4', 2));
  const music = readFileSync(makeTone(media, 'm.wav', 220, 4));
  await stack.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'assets/t/v.mp4', Body: video }));
  await stack.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'assets/t/m.wav', Body: music }));
});
afterAll(() => receiver.close());

function specFor(extra: Record<string, unknown> = {}) {
  return {
    jobInfo: { projectId: 'p-7' },
    assets: {
      video: { id: 'v', source: `s3://${bucket}/assets/t/v.mp4` },
      audio: [{ id: 'm', source: `s3://${bucket}/assets/t/m.wav` }],
    },
    backgroundMusic: { playlist: ['m'] },
    timeline: [{ start: 0.5, type: 'tts', data: { text: 'Hello.', duckingLevel: 0.3 } }],
    output: { filename: 'final' },
    notifications: {
      webhook: { url: receiver.url, headers: { 'X-Token': 'abc' }, metadata: { orderId: 42 } },
    },
    ...extra,
  };
}

/** Submits a record the way the submit handler does, and returns its queue message. */
async function enqueue(spec: unknown): Promise<JobMessage> {
  const record = createJobRecord({
    jobId: crypto.randomUUID(),
    jobInfo: {},
    now: new Date(),
    ttlSeconds: 3600,
  });
  await table.store.create(record);
  return { jobId: record.jobId, jobSpec: spec, submittedAt: record.submittedAt };
}

/** The processor's ports on the embedded S3 and DynamoDB; `renders` counts real renders. */
function deps(overrides: Partial<ProcessDeps> = {}): ProcessDeps & { renders: number } {
  const run: ProcessDeps & { renders: number } = {
    renders: 0,
    jobs: table.store,
    outputs: createS3OutputStore(stack.s3),
    webhooks: createWebhookSender({ secret: async () => SECRET, wait: async () => {}, egress: LOCAL_EGRESS }),
    render: (spec: JobSpec, ports: RenderPorts) => {
      run.renders++;
      return renderJob(spec, ports);
    },
    speech: createEspeakSynthesizer(),
    s3: stack.s3,
    bucket,
    presignSeconds: 86_400,
    limits: { maxHeadersSize: 1024, maxMetadataSize: 1024 },
    // The webhook receiver of these tests listens on loopback, which only local mode may reach.
    localMode: true,
    leaseMs: 15 * 60_000,
    progressIntervalMs: 0,
    ...overrides,
  };
  return run;
}

const hooksFor = (jobId: string): ReceivedWebhook[] =>
  receiver.received.filter((hook) => JSON.parse(hook.body).jobId === jobId);

describe('processJob', () => {
  it('renders, uploads, presigns, completes and sends one signed webhook', async () => {
    const message = await enqueue(specFor());
    const run = deps();
    const outcome = await processJob(message, run);
    expect(outcome).toEqual({ action: 'done', status: 'completed' });
    expect(run.renders).toBe(1);

    const record = await table.store.get(message.jobId);
    expect(record?.status).toBe('completed');
    expect(record?.output.s3Uri).toBe(`s3://${bucket}/outputs/final.mp4`);
    expect(record?.attempts).toBe(1);
    expect(record).not.toHaveProperty('progress');

    const download = await fetch(record?.output.url as string);
    expect(download.status).toBe(200);
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes.length).toBe(record?.output.size);
    const local = join(media, `${message.jobId}.mp4`);
    writeFileSync(local, bytes);
    expect(Math.abs(probeDuration(local) - 2)).toBeLessThanOrEqual(1 / 30);
    expect(probeStreams(local).map((s) => s.codec_name)).toEqual(['h264', 'aac']);

    const [hook, ...more] = hooksFor(message.jobId);
    expect(more).toEqual([]);
    expect(hook?.method).toBe('POST');
    expect(hook?.path).toBe('/hooks/video');
    expect(hook?.headers['content-type']).toBe('application/json');
    expect(hook?.headers['user-agent']).toBe(WEBHOOK_USER_AGENT);
    expect(hook?.headers['x-token']).toBe('abc');
    expect(hook?.headers['webhook-id']).toBe(`msg_${message.jobId}_completed`);
    const verified = new Webhook(SECRET).verify(
      hook?.body as string,
      hook?.headers as Record<string, string>,
    );
    expect(verified).toMatchObject({
      jobId: message.jobId,
      status: 'completed',
      submittedAt: message.submittedAt,
      output: { s3Uri: `s3://${bucket}/outputs/final.mp4`, size: bytes.length },
      metadata: { orderId: 42 },
      error: null,
    });
  });

  it('renders once and notifies once when the same message arrives twice in a row', async () => {
    const message = await enqueue(specFor({ output: { filename: 'twice' } }));
    const run = deps();
    expect(await processJob(message, run)).toEqual({ action: 'done', status: 'completed' });
    expect(await processJob(message, run)).toEqual({ action: 'done', status: 'completed' });
    expect(run.renders).toBe(1);
    expect(hooksFor(message.jobId)).toHaveLength(1);
  });

  it('renders once and notifies once when two deliveries race', async () => {
    const message = await enqueue(specFor({ output: { filename: 'race' } }));
    const run = deps();
    const outcomes = await Promise.all([processJob(message, run), processJob(message, run)]);
    expect(outcomes).toContainEqual({ action: 'done', status: 'completed' });
    expect(outcomes).toContainEqual({ action: 'retry', reason: 'job is being processed elsewhere' });
    expect(run.renders).toBe(1);
    expect(hooksFor(message.jobId)).toHaveLength(1);
    // The loser's copy comes back later, finds the job finished, and is dropped.
    expect(await processJob(message, run)).toEqual({ action: 'done', status: 'completed' });
    expect(hooksFor(message.jobId)).toHaveLength(1);
  });

  it('fails at once with a webhook when an asset is missing (a permanent fault)', async () => {
    const spec = specFor();
    spec.assets.video.source = `s3://${bucket}/assets/t/missing.mp4`;
    const message = await enqueue(spec);
    expect(await processJob(message, deps())).toEqual({ action: 'done', status: 'failed' });
    const record = await table.store.get(message.jobId);
    expect(record?.status).toBe('failed');
    expect(record?.error).toBe(
      `Asset 'v' (s3://${bucket}/assets/t/missing.mp4) could not be fetched: NoSuchKey`,
    );
    const [hook] = hooksFor(message.jobId);
    expect(JSON.parse(hook?.body ?? '{}')).toMatchObject({
      status: 'failed',
      error: record?.error,
      metadata: { orderId: 42 },
    });
    expect(hook?.headers['webhook-id']).toBe(`msg_${message.jobId}_failed`);
  });

  it('fails a spec that the processor finds invalid, still sending its failure webhook', async () => {
    const spec = specFor({ timeline: [{ start: -1, type: 'tts', data: { text: 'x' } }] });
    const message = await enqueue(spec);
    expect(await processJob(message, deps())).toEqual({ action: 'done', status: 'failed' });
    const record = await table.store.get(message.jobId);
    expect(record?.error).toBe(
      "Invalid job specification:\n  - Field 'timeline -> 0 -> start': Input should be greater than or equal to 0",
    );
    expect(hooksFor(message.jobId)).toHaveLength(1);
  });

  it('fails a spec this deployment does not allow (another bucket as destination), with its webhook', async () => {
    const message = await enqueue(
      specFor({ output: { filename: 'x', destination: 's3://someone-elses-bucket/out/' } }),
    );
    expect(await processJob(message, deps())).toEqual({ action: 'done', status: 'failed' });
    expect((await table.store.get(message.jobId))?.error).toBe(
      `Invalid job specification:\n  - Field 'output -> destination': Bucket 'someone-elses-bucket' is not an output bucket of this deployment (allowed: ${bucket})`,
    );
    expect(hooksFor(message.jobId)).toHaveLength(1);
  });

  it('leaves a transient fault to redelivery, then the dead-letter path fails the job with its webhook', async () => {
    const message = await enqueue(specFor({ output: { filename: 'flaky' } }));
    const flaky = deps({
      render: async () => {
        throw new RenderInterruptedError('Render stopped: the time left for this attempt ran out');
      },
    });
    for (let receive = 1; receive <= 3; receive++) {
      const outcome = await processJob(message, flaky);
      expect(outcome).toEqual({
        action: 'retry',
        reason: 'Render stopped: the time left for this attempt ran out',
      });
      const record = await table.store.get(message.jobId);
      expect(record?.status).toBe('retrying');
      expect(record?.attempts).toBe(receive);
    }
    expect(hooksFor(message.jobId)).toHaveLength(0);

    expect(await failDeadLetteredJob(message, deps())).toBe('failed');
    const record = await table.store.get(message.jobId);
    expect(record?.status).toBe('failed');
    expect(record?.error).toBe(
      'Processing failed after 3 attempts: Render stopped: the time left for this attempt ran out',
    );
    expect(hooksFor(message.jobId)).toHaveLength(1);
    // A second dead-letter delivery changes nothing and sends nothing.
    expect(await failDeadLetteredJob(message, deps())).toBe('already-final');
    expect(hooksFor(message.jobId)).toHaveLength(1);
  });

  it('writes progress to the table while rendering', async () => {
    const message = await enqueue(specFor({ output: { filename: 'progress' } }));
    const seen: number[] = [];
    const jobs = table.store;
    const watching = deps({
      jobs: {
        ...jobs,
        reportProgress: async (...args) => {
          seen.push(args[2]);
          return jobs.reportProgress(...args);
        },
      },
    });
    await processJob(message, watching);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.every((p) => p > 0 && p < 100)).toBe(true);
  });

  it('keeps a completed job completed when the webhook receiver is down', async () => {
    receiver.respondWith(503, 503, 503);
    const message = await enqueue(specFor({ output: { filename: 'down' } }));
    expect(await processJob(message, deps())).toEqual({ action: 'done', status: 'completed' });
    expect(hooksFor(message.jobId)).toHaveLength(3);
    expect((await table.store.get(message.jobId))?.status).toBe('completed');
  });
});
