import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createJobRecord, type JobMessage, readWebhookTarget } from '@auto-vid/shared';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import type { JobStore } from '../../src/jobs/job-store.ts';
import { createS3OutputStore } from '../../src/jobs/output-store.ts';
import type { WebhookQueue } from '../../src/jobs/webhook-queue.ts';
import type { WebhookSender } from '../../src/jobs/webhook-sender.ts';
import { createWebhookSender } from '../../src/jobs/webhook-sender.ts';
import { LOCAL_EGRESS } from '../../src/net/egress-guard.ts';
import { createJobNotifier } from '../../src/processor/job-notifier.ts';
import type { Log } from '../../src/processor/log.ts';
import type { ProcessConfig, ProcessDeps } from '../../src/processor/process-job.ts';
import { createRenderer, type RendererPorts } from '../../src/processor/render-job.ts';
import { createEspeakSynthesizer } from '../../src/processor/speech/espeak.ts';
import { deliverWebhook } from '../../src/processor/webhook-delivery.ts';
import type { EmulatorHandle } from './emulators.ts';
import { createJobTable, type JobTable } from './job-table.ts';
import { makeTone, makeVideo } from './media.ts';
import { type ReceivedWebhook, startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';

export const HARNESS_SECRET = `whsec_${Buffer.from('a test signing secret of 32 byte').toString('base64')}`;

export type LogLine = { level: string; message: string; fields: Record<string, unknown> };

/** What a test may change of the processor's world: any port, the renderer's ports, the settings. */
export type HarnessOverrides = Partial<Omit<ProcessDeps, 'config'>> & {
  readonly renderPorts?: Partial<RendererPorts>;
  readonly config?: Partial<ProcessConfig>;
};

export type HarnessDeps = ProcessDeps & { renders: number; logs: LogLine[] };

/**
 * The processor's world on the embedded S3 and DynamoDB: a jobs table, a bucket with a 2 s video
 * and a music track under assets/t/, a webhook receiver on loopback, and the ports wired as the
 * Lambda wires them (local mode, for the loopback receiver).
 */
export function useProcessorHarness(stack: EmulatorHandle) {
  const media = mkdtempSync(join(tmpdir(), 'auto-vid-harness-media-'));
  const state = {} as { table: JobTable; receiver: WebhookReceiver; bucket: string };
  beforeAll(async () => {
    state.table = await createJobTable(stack.emulators);
    state.receiver = await startWebhookReceiver();
    state.bucket = await stack.createBucket('jobs');
    const video = readFileSync(makeVideo(media, 'v.mp4', 2));
    const music = readFileSync(makeTone(media, 'm.wav', 220, 4));
    await stack.s3.send(new PutObjectCommand({ Bucket: state.bucket, Key: 'assets/t/v.mp4', Body: video }));
    await stack.s3.send(new PutObjectCommand({ Bucket: state.bucket, Key: 'assets/t/m.wav', Body: music }));
  });
  afterAll(() => state.receiver?.close());

  const harness = {
    media,
    get table() {
      return state.table;
    },
    get receiver() {
      return state.receiver;
    },
    get bucket() {
      return state.bucket;
    },

    specFor(extra: Record<string, unknown> = {}) {
      return {
        jobInfo: { projectId: 'p-7' },
        assets: {
          video: { id: 'v', source: `s3://${state.bucket}/assets/t/v.mp4` },
          audio: [{ id: 'm', source: `s3://${state.bucket}/assets/t/m.wav` }],
        },
        backgroundMusic: { playlist: ['m'] },
        timeline: [{ start: 0.5, type: 'tts', data: { text: 'Hello.', duckingLevel: 0.3 } }],
        output: { filename: 'final' },
        notifications: {
          webhook: { url: state.receiver.url, headers: { 'X-Token': 'abc' }, metadata: { orderId: 42 } },
        },
        ...extra,
      };
    },

    /** Records a job the way the submit handler does (its webhook kept), and returns its queue message. */
    async enqueue(spec: unknown): Promise<JobMessage> {
      const webhook = readWebhookTarget(spec, { maxHeadersSize: 1024, maxMetadataSize: 1024 });
      const record = createJobRecord({
        jobId: crypto.randomUUID(),
        jobInfo: {},
        now: new Date(),
        ttlSeconds: 3600,
        ...(webhook
          ? { webhook: { ...webhook, headers: webhook.headers ?? {}, metadata: webhook.metadata ?? {} } }
          : {}),
      });
      await state.table.store.create(record);
      return { jobId: record.jobId, jobSpec: spec, submittedAt: record.submittedAt };
    },

    /** The processor's ports; `renders` counts real renders and `logs` collects log lines. */
    deps(overrides: HarnessOverrides = {}): HarnessDeps {
      const { renderPorts, config, ...ports } = overrides;
      const log: Log = (level, message, fields = {}) => run.logs.push({ level, message, fields });
      const render = createRenderer({
        speech: createEspeakSynthesizer(),
        s3: stack.s3,
        // The webhook receiver listens on loopback, which only local mode may reach.
        localMode: true,
        ...renderPorts,
      });
      const limits = { maxHeadersSize: 1024, maxMetadataSize: 1024 };
      const webhooks = createWebhookSender({
        secret: async () => HARNESS_SECRET,
        wait: async () => {},
        egress: LOCAL_EGRESS,
      });
      const run: HarnessDeps = {
        renders: 0,
        logs: [],
        jobs: state.table.store,
        outputs: createS3OutputStore(stack.s3),
        // The queue hands each notification straight to the delivery use-case, as the webhook
        // function would take it off the queue: three attempts, each in the delivery log.
        notifier: createJobNotifier({
          queue: inlineWebhookQueue(webhooks, state.table.store, log),
          limits,
          log,
        }),
        render: (spec, job) => {
          run.renders++;
          return render(spec, job);
        },
        config: {
          bucket: state.bucket,
          outputBuckets: [state.bucket],
          presignSeconds: 86_400,
          limits,
          localMode: true,
          leaseMs: 15 * 60_000,
          progressIntervalMs: 0,
          ...config,
        },
        clock: systemClock,
        log,
        ...ports,
      };
      return run;
    },

    hooksFor(jobId: string): ReceivedWebhook[] {
      return state.receiver.received.filter((hook) => JSON.parse(hook.body).jobId === jobId);
    },
  };
  return harness;
}

/** A webhook queue that delivers each notification at once (later attempts are dropped). */
function inlineWebhookQueue(sender: WebhookSender, jobs: JobStore, log: Log): WebhookQueue {
  const queue: WebhookQueue = {
    async send(message) {
      if (message.attempts > 0) return;
      await deliverWebhook(message, { sender, queue, jobs, clock: systemClock, log, delayScale: 1 });
    },
    async deadLetter() {},
  };
  return queue;
}
