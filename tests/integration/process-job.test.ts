import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import type { JobStore } from '../../src/jobs/job-store.ts';
import { createS3OutputStore } from '../../src/jobs/output-store.ts';
import { WEBHOOK_USER_AGENT } from '../../src/jobs/webhook-sender.ts';
import { failDeadLetteredJob } from '../../src/processor/dead-letter.ts';
import { RenderInterruptedError } from '../../src/processor/errors.ts';
import { processJob } from '../../src/processor/process-job.ts';
import { useEmulators } from '../support/emulators.ts';
import { probeDuration, probeStreams } from '../support/media.ts';
import { HARNESS_SECRET, useProcessorHarness } from '../support/processor-harness.ts';

const stack = useEmulators();
const harness = useProcessorHarness(stack);
const { specFor, enqueue, deps, hooksFor } = harness;
const SECRET = HARNESS_SECRET;

describe('processJob', () => {
  it('renders, uploads, presigns, completes and sends one signed webhook', async () => {
    const message = await enqueue(specFor());
    const run = deps();
    const outcome = await processJob(message, run);
    expect(outcome).toEqual({ action: 'done', status: 'completed' });
    expect(run.renders).toBe(1);

    const record = await harness.table.store.get(message.jobId);
    expect(record?.status).toBe('completed');
    expect(record?.output.s3Uri).toBe(`s3://${harness.bucket}/outputs/final.mp4`);
    expect(record?.attempts).toBe(1);
    expect(record).not.toHaveProperty('progress');

    const download = await fetch(record?.output.url as string);
    expect(download.status).toBe(200);
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes.length).toBe(record?.output.size);
    const local = join(harness.media, `${message.jobId}.mp4`);
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
      output: { s3Uri: `s3://${harness.bucket}/outputs/final.mp4`, size: bytes.length },
      metadata: { orderId: 42 },
      error: null,
    });
  });

  it('uploads the caption sidecars beside the MP4, presigned in the record and the webhook', async () => {
    const message = await enqueue(specFor({ output: { filename: 'captioned', captions: {} } }));
    expect(await processJob(message, deps())).toEqual({ action: 'done', status: 'completed' });
    const record = await harness.table.store.get(message.jobId);
    const captions = record?.output.captions ?? [];
    expect(captions.map(({ format, s3Uri, language }) => ({ format, s3Uri, language }))).toEqual([
      { format: 'vtt', s3Uri: `s3://${harness.bucket}/outputs/captioned.vtt`, language: 'en-US' },
      { format: 'srt', s3Uri: `s3://${harness.bucket}/outputs/captioned.srt`, language: 'en-US' },
    ]);
    const vtt = await fetch(captions[0]?.url as string);
    expect(vtt.headers.get('content-type')).toBe('text/vtt; charset=utf-8');
    expect(await vtt.text()).toMatch(/^WEBVTT\n\n1\n00:00:00\.5\d\d --> 00:00:0\d\.\d{3}\nHello\.\n$/);
    const srt = await fetch(captions[1]?.url as string);
    expect(srt.headers.get('content-type')).toBe('application/x-subrip; charset=utf-8');
    expect(await srt.text()).toMatch(/^1\n00:00:00,5\d\d --> 00:00:0\d,\d{3}\nHello\.\n$/);
    // The MP4 carries the same cue as its subtitle track.
    const mp4 = join(harness.media, `${message.jobId}-captioned.mp4`);
    writeFileSync(mp4, Buffer.from(await (await fetch(record?.output.url as string)).arrayBuffer()));
    expect(probeStreams(mp4).map((s) => s.codec_name)).toEqual(['h264', 'aac', 'mov_text']);
    const [hook] = hooksFor(message.jobId);
    const body = JSON.parse(hook?.body ?? '{}');
    expect(body.output.captions.map((c: { s3Uri: string }) => c.s3Uri)).toEqual(captions.map((c) => c.s3Uri));
    expect(Object.keys(body.output.captions[0]).sort()).toEqual(['format', 'language', 's3Uri', 'url']);
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

  it("two racing jobs with one output.filename: each URL is pinned to that job's own version", async () => {
    // A versioned bucket: every PUT of the key makes a version, here named after the bytes it holds.
    const versioned = new S3Client({
      region: 'us-east-1',
      credentials: { accessKeyId: 'k', secretAccessKey: 's' },
    });
    const versions: string[] = [];
    mockClient(versioned)
      .on(PutObjectCommand)
      .callsFake((input: { Key: string; Body: Uint8Array }) => {
        const versionId = `v-${input.Body.byteLength}`;
        versions.push(`${input.Key} ${versionId}`);
        return { VersionId: versionId };
      });
    const run = deps({ outputs: createS3OutputStore(versioned) });
    // The same video copied (2 s) and re-encoded at a low bitrate: two renders of different sizes.
    const [copied, encoded] = await Promise.all([
      enqueue(specFor({ output: { filename: 'same' } })),
      enqueue(specFor({ output: { filename: 'same', encoding: { bitrate: '100k' } } })),
    ]);

    await Promise.all([processJob(copied, run), processJob(encoded, run)]);

    const views = await Promise.all([copied, encoded].map((m) => harness.table.store.get(m.jobId)));
    const outputs = views.map((view) => view?.output);
    expect(outputs.map((o) => o?.s3Uri)).toEqual([
      `s3://${harness.bucket}/outputs/same.mp4`,
      `s3://${harness.bucket}/outputs/same.mp4`,
    ]);
    expect(outputs[0]?.size).not.toBe(outputs[1]?.size);
    expect(versions.sort()).toEqual(outputs.map((o) => `outputs/same.mp4 v-${o?.size}`).sort());
    for (const output of outputs) {
      expect(new URL(output?.url as string).searchParams.get('versionId')).toBe(`v-${output?.size}`);
      expect(output?.duration).toBeCloseTo(2, 1);
    }
  });

  it('fails at once with a webhook when an asset is missing (a permanent fault)', async () => {
    const spec = specFor();
    spec.assets.video.source = `s3://${harness.bucket}/assets/t/missing.mp4`;
    const message = await enqueue(spec);
    expect(await processJob(message, deps())).toEqual({ action: 'done', status: 'failed' });
    const record = await harness.table.store.get(message.jobId);
    expect(record?.status).toBe('failed');
    expect(record?.error).toBe(
      `Asset 'v' (s3://${harness.bucket}/assets/t/missing.mp4) could not be fetched: not found (S3 NoSuchKey)`,
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
    const record = await harness.table.store.get(message.jobId);
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
    expect((await harness.table.store.get(message.jobId))?.error).toBe(
      `Invalid job specification:\n  - Field 'output -> destination': Bucket 'someone-elses-bucket' is not an output bucket of this deployment (allowed: ${harness.bucket})`,
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
      const record = await harness.table.store.get(message.jobId);
      expect(record?.status).toBe('retrying');
      expect(record?.attempts).toBe(receive);
    }
    expect(hooksFor(message.jobId)).toHaveLength(0);

    expect(await failDeadLetteredJob(message, deps())).toBe('failed');
    const record = await harness.table.store.get(message.jobId);
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
    const jobs = harness.table.store;
    const watching = deps({
      jobs: {
        ...jobs,
        reportProgress: async (...args: Parameters<JobStore['reportProgress']>) => {
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
    harness.receiver.respondWith(503, 503, 503);
    const message = await enqueue(specFor({ output: { filename: 'down' } }));
    expect(await processJob(message, deps())).toEqual({ action: 'done', status: 'completed' });
    expect(hooksFor(message.jobId)).toHaveLength(3);
    expect((await harness.table.store.get(message.jobId))?.status).toBe('completed');
  });
});
