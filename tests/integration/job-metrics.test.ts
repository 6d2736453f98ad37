import { readFileSync } from 'node:fs';
import type { JobMessage } from '@auto-vid/shared';
import {
  PollyClient,
  SynthesizeSpeechCommand,
  type SynthesizeSpeechCommandOutput,
} from '@aws-sdk/client-polly';
import type { SQSBatchResponse } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDeadLetterHandler } from '../../src/handlers/dead-letter.ts';
import { createMetricsSink } from '../../src/handlers/job-metrics.ts';
import { createLogger } from '../../src/handlers/logger.ts';
import { createProcessJobsHandler } from '../../src/handlers/process-jobs.ts';
import { buildSqsEvent } from '../../src/local/dev-server/sqs-event.ts';
import { createLambdaContext } from '../../src/local/lambda-context.ts';
import { interruptedError } from '../../src/processor/attempt.ts';
import type { JobMetrics } from '../../src/processor/job-metrics.ts';
import { processJob } from '../../src/processor/process-job.ts';
import { createPollySynthesizer } from '../../src/processor/speech/polly.ts';
import { createS3SpeechCache, withSpeechCache } from '../../src/processor/speech/speech-cache.ts';
import { type Captured, captureOutput, named } from '../support/emf-capture.ts';
import { useEmulators } from '../support/emulators.ts';
import { makeTone } from '../support/media.ts';
import { type HarnessDeps, useProcessorHarness } from '../support/processor-harness.ts';

const stack = useEmulators();
const harness = useProcessorHarness(stack);
const { specFor, enqueue, deps } = harness;

const PROCESSOR = 'auto-vid-processor';
const DEAD_LETTER = 'auto-vid-dead-letter';

/** The handlers' loggers write JSON to stdout as well; silent, so only metric lines are read. */
const silentLogger = (service: string) => createLogger(service, { LOG_LEVEL: 'SILENT' });

/** The Powertools sink a deployed function gets: not local mode, no namespace in the environment. */
const awsMetrics = (service: string, run: HarnessDeps) =>
  createMetricsSink({ serviceName: service, localMode: false, env: {}, log: run.log });

function sqsEventFor(message: JobMessage) {
  return buildSqsEvent(
    {
      messageId: crypto.randomUUID(),
      receiptHandle: 'receipt',
      body: JSON.stringify(message),
      receiveCount: 1,
      sentAt: Date.now(),
    },
    { queueArn: 'arn:aws:sqs:us-east-1:000000000000:jobs', region: 'us-east-1' },
  );
}

type Invocation = Captured & { readonly response: SQSBatchResponse };

/** One invocation of the processor function for the message, its output captured. */
async function invokeProcessor(message: JobMessage, run: HarnessDeps): Promise<Invocation> {
  const handler = createProcessJobsHandler(
    run,
    { deadlineMarginMs: 1_000 },
    silentLogger(PROCESSOR),
    awsMetrics(PROCESSOR, run),
  );
  let response: SQSBatchResponse = { batchItemFailures: [] };
  const captured = await captureOutput(async () => {
    response = await handler(sqsEventFor(message), createLambdaContext('VideoProcessorFunction', 900));
  });
  return { ...captured, response };
}

const values = (captured: Captured, name: string) => named(captured.metrics, name).map((m) => m.value);

describe('processor metrics in CloudWatch embedded metric format', () => {
  it('counts a completed job with its render time and a copied video stream', async () => {
    // Prepare
    const message = await enqueue(specFor({ output: { filename: 'metrics-copy' } }));

    // Act
    const invocation = await invokeProcessor(message, deps());

    // Assess
    const service = { service: PROCESSOR };
    expect(invocation.response.batchItemFailures).toEqual([]);
    expect(named(invocation.metrics, 'JobsCompleted')).toEqual([
      { namespace: 'auto-vid', name: 'JobsCompleted', unit: 'Count', value: 1, dimensions: service },
    ]);
    const [renderSeconds] = named(invocation.metrics, 'RenderSeconds');
    expect(renderSeconds).toMatchObject({ namespace: 'auto-vid', unit: 'Seconds', dimensions: service });
    expect(renderSeconds?.value).toBeGreaterThan(0);
    const [speed] = named(invocation.metrics, 'VideoSecondsPerRenderSecond');
    expect(speed).toMatchObject({ namespace: 'auto-vid', unit: 'None', dimensions: service });
    expect(speed?.value).toBeGreaterThan(0);
    expect(named(invocation.metrics, 'Renders')).toEqual([
      {
        namespace: 'auto-vid',
        name: 'Renders',
        unit: 'Count',
        value: 1,
        dimensions: { ...service, VideoPath: 'copy' },
      },
    ]);
    expect(values(invocation, 'JobsFailed')).toEqual([]);
  });

  it('counts a render that re-encodes the video as an encode', async () => {
    // Prepare
    const spec = specFor({
      output: { filename: 'metrics-encode', encoding: { preset: 'ultrafast', video: 'encode' } },
    });
    const message = await enqueue(spec);

    // Act
    const invocation = await invokeProcessor(message, deps());

    // Assess
    expect(named(invocation.metrics, 'Renders').map((m) => m.dimensions)).toEqual([
      { service: PROCESSOR, VideoPath: 'encode' },
    ]);
    expect(values(invocation, 'JobsCompleted')).toEqual([1]);
  });

  it('counts a job failed by a missing asset under the cause asset, and no completion', async () => {
    // Prepare
    const spec = specFor({ output: { filename: 'metrics-missing' } });
    spec.assets.video.source = `s3://${harness.bucket}/assets/t/missing.mp4`;
    const message = await enqueue(spec);

    // Act
    const invocation = await invokeProcessor(message, deps());

    // Assess
    expect(named(invocation.metrics, 'JobsFailed')).toEqual([
      {
        namespace: 'auto-vid',
        name: 'JobsFailed',
        unit: 'Count',
        value: 1,
        dimensions: { service: PROCESSOR, Cause: 'asset' },
      },
    ]);
    expect(values(invocation, 'JobsCompleted')).toEqual([]);
    expect(values(invocation, 'RenderSeconds')).toEqual([]);
  });

  it('counts a job refused by the deployment rules under the cause validation', async () => {
    // Prepare
    const message = await enqueue(specFor({ output: { filename: 'x', destination: 's3://someone-else/' } }));

    // Act
    const invocation = await invokeProcessor(message, deps());

    // Assess
    expect(named(invocation.metrics, 'JobsFailed').map((m) => m.dimensions)).toEqual([
      { service: PROCESSOR, Cause: 'validation' },
    ]);
  });

  it('counts a render cut by the deadline as retried, then the dead-letter path as failed', async () => {
    // Prepare
    const message = await enqueue(specFor({ output: { filename: 'metrics-deadline' } }));
    const cut = deps({
      render: async () => {
        throw interruptedError('Render', 'deadline');
      },
    });
    const deadLetter = deps();
    const deadLetterHandler = createDeadLetterHandler(
      deadLetter,
      silentLogger(DEAD_LETTER),
      awsMetrics(DEAD_LETTER, deadLetter),
    );

    // Act
    const retried = await invokeProcessor(message, cut);
    const deadLettered = await captureOutput(() =>
      deadLetterHandler(sqsEventFor(message), createLambdaContext('DeadLetterFunction', 60)),
    );

    // Assess
    expect(retried.response.batchItemFailures).toHaveLength(1);
    expect(named(retried.metrics, 'JobsRetried').map((m) => [m.value, m.dimensions])).toEqual([
      [1, { service: PROCESSOR, Cause: 'deadline' }],
    ]);
    expect(values(retried, 'JobsFailed')).toEqual([]);
    expect(named(deadLettered.metrics, 'JobsFailed').map((m) => [m.value, m.dimensions])).toEqual([
      [1, { service: DEAD_LETTER, Cause: 'dead-letter' }],
    ]);
  });

  it('completes the job when recording a metric throws, and logs the fault', async () => {
    // Prepare
    const broken = (): never => {
      throw new Error('metrics are down');
    };
    const metrics: JobMetrics = { completed: broken, failed: broken, retried: broken, speech: broken };
    const message = await enqueue(specFor({ output: { filename: 'metrics-broken' } }));
    const run = deps({ metrics });

    // Act
    const outcome = await processJob(message, run);

    // Assess
    expect(outcome).toEqual({ action: 'done', status: 'completed' });
    expect((await harness.table.store.get(message.jobId))?.status).toBe('completed');
    expect(run.logs.filter((line) => line.level === 'warn')).toEqual([
      {
        level: 'warn',
        message: 'A metric could not be recorded; the job goes on',
        fields: { metric: 'completed', error: 'metrics are down' },
      },
    ]);
  });
});

describe('speech characters by Polly engine', () => {
  const polly = new PollyClient({ region: 'us-east-1' });
  const pollyMock = mockClient(polly);
  const clip = () => new Uint8Array(readFileSync(makeTone(harness.media, 'metrics-speech.mp3', 330, 1)));

  beforeEach(() => {
    pollyMock.reset();
    const bytes = clip();
    // Polly bills the text it speaks: SSML tags are not characters it counts.
    pollyMock.on(SynthesizeSpeechCommand).callsFake((input: { Text: string }) => ({
      AudioStream: {
        transformToByteArray: async () => bytes,
        transformToWebStream: () => new Blob([bytes]).stream(),
      } as unknown as SynthesizeSpeechCommandOutput['AudioStream'],
      RequestCharacters: input.Text.replace(/<[^>]*>/g, '').length,
    }));
  });

  /** A job narrated by Polly through the speech cache, as the processor Lambda wires it. */
  function narrated(filename: string, timeline: unknown[]) {
    return specFor({ output: { filename }, timeline });
  }

  async function invokeWithPolly(message: JobMessage): Promise<Invocation> {
    const probe = deps();
    const sink = awsMetrics(PROCESSOR, probe);
    const speech = withSpeechCache(
      createPollySynthesizer(polly, sink),
      createS3SpeechCache(stack.s3, harness.bucket),
    );
    const run = deps({ renderPorts: { speech } });
    const handler = createProcessJobsHandler(run, { deadlineMarginMs: 1_000 }, silentLogger(PROCESSOR), sink);
    let response: SQSBatchResponse = { batchItemFailures: [] };
    const captured = await captureOutput(async () => {
      response = await handler(sqsEventFor(message), createLambdaContext('VideoProcessorFunction', 900));
    });
    return { ...captured, response };
  }

  it('counts the characters Polly billed for each narration, by engine', async () => {
    // Prepare
    const message = await enqueue(
      narrated('metrics-engines', [
        { start: 0.2, type: 'tts', data: { text: 'Spoken by the neural engine.' } },
        {
          start: 1,
          type: 'tts',
          data: {
            text: '<speak>Good <break time="100ms"/>bye.</speak>',
            providerConfig: { engine: 'standard', textType: 'ssml' },
          },
        },
      ]),
    );

    // Act
    const invocation = await invokeWithPolly(message);

    // Assess
    expect(values(invocation, 'JobsCompleted')).toEqual([1]);
    const speech = named(invocation.metrics, 'SpeechCharacters').map((m) => [m.unit, m.value, m.dimensions]);
    expect(speech).toHaveLength(2);
    expect(speech).toEqual(
      expect.arrayContaining([
        ['Count', 'Spoken by the neural engine.'.length, { service: PROCESSOR, Engine: 'neural' }],
        ['Count', 'Good bye.'.length, { service: PROCESSOR, Engine: 'standard' }],
      ]),
    );
  });

  it('does not count a narration read back from the speech cache', async () => {
    // Prepare
    const timeline = [{ start: 0.2, type: 'tts', data: { text: 'Said once, then read from the cache.' } }];
    const first = await enqueue(narrated('metrics-cache-1', timeline));
    const second = await enqueue(narrated('metrics-cache-2', timeline));
    const filled = await invokeWithPolly(first);

    // Act
    const cached = await invokeWithPolly(second);

    // Assess
    expect(values(filled, 'SpeechCharacters')).toEqual(['Said once, then read from the cache.'.length]);
    expect(values(cached, 'JobsCompleted')).toEqual([1]);
    expect(values(cached, 'SpeechCharacters')).toEqual([]);
    expect(pollyMock.commandCalls(SynthesizeSpeechCommand)).toHaveLength(1);
  });
});
