import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChunkMessage } from '../../src/jobs/chunk-queue.ts';
import { createScratchFiles, type ScratchFiles } from '../../src/jobs/scratch-files.ts';
import type { ChunkDeps } from '../../src/processor/chunks/chunk-deps.ts';
import { encodeChunk } from '../../src/processor/chunks/encode-chunk.ts';
import { failDeadLetteredJob } from '../../src/processor/dead-letter.ts';
import type { ProcessOutcome } from '../../src/processor/job-settlement.ts';
import { processJob } from '../../src/processor/process-job.ts';
import { useEmulators } from '../support/emulators.ts';
import { makeFrameCodedVideo, perfectJoin, readFrameCodes, summarizeJoin } from '../support/frame-code.ts';
import { type HarnessDeps, useProcessorHarness } from '../support/processor-harness.ts';

// The chunk path on the embedded DynamoDB and S3, each message delivered by hand as SQS would: a
// 4 s video with a keyframe every 0.5 s, split into 1 s chunks, so four chunk messages per job.
const stack = useEmulators();
const harness = useProcessorHarness(stack);
const { enqueue, hooksFor } = harness;
const FRAMES = 120;
const CHUNKS = 4;

beforeAll(async () => {
  const folder = mkdtempSync(join(tmpdir(), 'auto-vid-chunked-'));
  const video = await makeFrameCodedVideo(join(folder, 'coded.mp4'), { seconds: 4, gop: 15, audio: true });
  await stack.s3.send(
    new PutObjectCommand({
      Bucket: harness.bucket,
      Key: 'assets/t/coded.mp4',
      Body: readFileSync(video.path),
    }),
  );
});

afterEach(() => {
  delete process.env.FFMPEG_PATH;
});

/** A job that re-encodes the coded video, its webhook to the harness's receiver. */
function chunkedSpec(filename: string) {
  return harness.specFor({
    assets: { video: { id: 'v', source: `s3://${harness.bucket}/assets/t/coded.mp4` }, audio: [] },
    backgroundMusic: undefined,
    timeline: [],
    output: { filename, encoding: { video: 'encode', preset: 'ultrafast', crf: 18 } },
  });
}

/** The processor's ports with chunking on, the chunk queue an array, and the chunk encoder's. */
function chunkedWorld(scratchOverride?: (real: ScratchFiles) => ScratchFiles) {
  const sent: ChunkMessage[] = [];
  const base: HarnessDeps = harness.deps({ config: { cancelCheckMs: 50 } });
  const real = createScratchFiles(stack.s3, base.outputs, harness.bucket);
  const scratch = scratchOverride ? scratchOverride(real) : real;
  const processor = {
    ...base,
    chunking: {
      thresholdSeconds: 1,
      chunkSeconds: 1,
      queue: { sendAll: async (messages: readonly ChunkMessage[]) => void sent.push(...messages) },
      scratch,
    },
  };
  const { render: _render, renders: _renders, ...ports } = base;
  const encoder: ChunkDeps & { logs: HarnessDeps['logs'] } = { ...ports, logs: base.logs, scratch };
  return { processor, encoder, sent, logs: base.logs };
}

/** Delivers a chunk message until it is done or received three times, then the dead-letter path. */
async function deliverChunk(
  message: ChunkMessage,
  deps: ChunkDeps,
): Promise<ProcessOutcome | 'dead-lettered'> {
  for (let receive = 1; receive <= 3; receive++) {
    const outcome = await encodeChunk(message, deps);
    if (outcome.action === 'done') return outcome;
  }
  await failDeadLetteredJob(
    { jobId: message.jobId, jobSpec: undefined, submittedAt: message.submittedAt },
    deps,
    message,
  );
  return 'dead-lettered';
}

async function scratchLeft(jobId: string): Promise<number> {
  const listed = await stack.s3.send(
    new ListObjectsV2Command({ Bucket: harness.bucket, Prefix: `chunks/${jobId}/` }),
  );
  return listed.KeyCount ?? 0;
}

const encodedChunks = (logs: HarnessDeps['logs'], jobId: string) =>
  logs
    .filter((line) => line.message === 'Chunk encoded' && line.fields.jobId === jobId)
    .map((line) => line.fields.chunk);

describe('a chunked re-encode', () => {
  it('keeps the furthest progress when two chunk counts write theirs out of order', async () => {
    // Arrange
    const message = await enqueue(chunkedSpec('progress'));
    const store = harness.table.store;
    await store.claim(message.jobId, new Date(), new Date(Date.now() + 60_000));

    // Act
    const later = await store.reportProgress(message.jobId, 1, 55, new Date());
    const earlier = await store.reportProgress(message.jobId, 1, 35, new Date());

    // Assert
    expect([later, earlier]).toEqual([true, false]);
    expect((await store.get(message.jobId))?.progress).toBe(55);
  });

  it('is split into one message per chunk, each counted, and the last joins every frame once', async () => {
    // Arrange
    const world = chunkedWorld();
    const message = await enqueue(chunkedSpec('split'));

    // Act
    const split = await processJob(message, world.processor);
    const afterSplit = await harness.table.store.get(message.jobId);
    const outcomes = [];
    for (const chunk of world.sent) outcomes.push(await deliverChunk(chunk, world.encoder));

    // Assert
    expect(split).toEqual({ action: 'done', status: 'chunked' });
    expect(afterSplit).toMatchObject({ status: 'processing', chunks: { total: CHUNKS, done: 0 } });
    expect(world.sent.map((chunk) => [chunk.index, chunk.total, chunk.attempt])).toEqual([
      [0, 4, 1],
      [1, 4, 1],
      [2, 4, 1],
      [3, 4, 1],
    ]);
    expect(outcomes).toEqual([
      { action: 'done', status: 'chunk-encoded' },
      { action: 'done', status: 'chunk-encoded' },
      { action: 'done', status: 'chunk-encoded' },
      { action: 'done', status: 'completed' },
    ]);
    const record = await harness.table.store.get(message.jobId);
    expect(record).toMatchObject({ status: 'completed', chunks: { total: CHUNKS, done: CHUNKS } });
    expect(record?.output.duration).toBe(4);
    const hooks = hooksFor(message.jobId).map((hook) => JSON.parse(hook.body));
    expect(hooks.map((hook) => [hook.status, hook.chunks])).toEqual([['completed', { total: 4, done: 4 }]]);
    const output = join(mkdtempSync(join(tmpdir(), 'auto-vid-chunked-out-')), 'split.mp4');
    writeFileSync(output, Buffer.from(await (await fetch(record?.output.url as string)).arrayBuffer()));
    expect(summarizeJoin((await readFrameCodes(output)).codes, FRAMES)).toEqual(perfectJoin(FRAMES));
    expect(await scratchLeft(message.jobId)).toBe(0);
  });

  it('retries a chunk whose upload failed once, and the job completes', async () => {
    // Arrange: the first chunk upload answers 503.
    let failures = 0;
    const world = chunkedWorld((real) => ({
      ...real,
      put: async (key, path, signal) => {
        if (key.endsWith('part-0001.mp4') && failures++ === 0) {
          throw Object.assign(new Error('ServiceUnavailable (injected)'), {
            $metadata: { httpStatusCode: 503 },
          });
        }
        return real.put(key, path, signal);
      },
    }));
    const message = await enqueue(chunkedSpec('retried'));

    // Act
    await processJob(message, world.processor);
    const first = await encodeChunk(world.sent[1] as ChunkMessage, world.encoder);
    const outcomes = [];
    for (const chunk of world.sent) outcomes.push(await deliverChunk(chunk, world.encoder));

    // Assert
    expect(first).toEqual({ action: 'retry', reason: 'ServiceUnavailable (injected)' });
    expect(outcomes.at(-1)).toEqual({ action: 'done', status: 'completed' });
    expect(encodedChunks(world.logs, message.jobId)).toEqual([1, 0, 1, 2, 3]);
    expect(hooksFor(message.jobId).map((hook) => JSON.parse(hook.body).status)).toEqual(['completed']);
    expect(await scratchLeft(message.jobId)).toBe(0);
  });

  it('fails the job once when a chunk fails for good, and drops the chunks that come after', async () => {
    // Arrange: an ffmpeg that crashes on a chunk's encode (the only run that cuts by frame count).
    const bin = mkdtempSync(join(tmpdir(), 'auto-vid-chunk-crash-'));
    const crash = join(bin, 'ffmpeg');
    writeFileSync(
      crash,
      '#!/bin/sh\ncase "$*" in *-frames:v*) echo "Segmentation fault (injected)" >&2; kill -SEGV $$;; esac\nexec ffmpeg "$@"\n',
    );
    chmodSync(crash, 0o755);
    const world = chunkedWorld();
    const message = await enqueue(chunkedSpec('broken'));
    await processJob(message, world.processor);

    // Act
    process.env.FFMPEG_PATH = crash;
    const outcomes = [];
    for (const chunk of world.sent) outcomes.push(await deliverChunk(chunk, world.encoder));

    // Assert
    expect(outcomes).toEqual([
      { action: 'done', status: 'failed' },
      { action: 'done', status: 'failed' },
      { action: 'done', status: 'failed' },
      { action: 'done', status: 'failed' },
    ]);
    const record = await harness.table.store.get(message.jobId);
    expect(record?.status).toBe('failed');
    expect(record?.error).toMatch(/^Chunk 1 of 4: ffmpeg failed: Segmentation fault \(injected\)/);
    expect(hooksFor(message.jobId).map((hook) => JSON.parse(hook.body).status)).toEqual(['failed']);
    expect(await scratchLeft(message.jobId)).toBe(0);
  });

  it('fails the job once when a chunk message exhausts its receives', async () => {
    // Arrange: chunk 2's source download fails every time (a fault that may pass, but never does).
    const world = chunkedWorld((real) => ({
      ...real,
      get: async (key, path, signal) => {
        // Only a chunk's encoder reads the source; the join reads the parts.
        if (key.endsWith('/source') && failingChunk.current === 2) {
          throw Object.assign(new Error('SlowDown (injected)'), { $metadata: { httpStatusCode: 503 } });
        }
        return real.get(key, path, signal);
      },
    }));
    const failingChunk = { current: -1 };
    const message = await enqueue(chunkedSpec('dead'));
    await processJob(message, world.processor);

    // Act
    const outcomes = [];
    for (const chunk of world.sent) {
      failingChunk.current = chunk.index;
      outcomes.push(await deliverChunk(chunk, world.encoder));
    }

    // Assert
    expect(outcomes).toEqual([
      { action: 'done', status: 'chunk-encoded' },
      { action: 'done', status: 'chunk-encoded' },
      'dead-lettered',
      { action: 'done', status: 'failed' },
    ]);
    const record = await harness.table.store.get(message.jobId);
    expect(record).toMatchObject({
      status: 'failed',
      error: 'Chunk 3 of 4 could not be encoded: it failed on every delivery',
      chunks: { total: 4, done: 2 },
    });
    expect(hooksFor(message.jobId).map((hook) => JSON.parse(hook.body).status)).toEqual(['failed']);
  });

  it('encodes a duplicated chunk message once, and joins once when the last chunk comes twice at once', async () => {
    // Arrange
    const world = chunkedWorld();
    const message = await enqueue(chunkedSpec('duplicates'));
    await processJob(message, world.processor);
    const [c0, c1, c2, c3] = world.sent as [ChunkMessage, ChunkMessage, ChunkMessage, ChunkMessage];

    // Act
    const first = await encodeChunk(c0, world.encoder);
    const duplicate = await encodeChunk(c0, world.encoder);
    await encodeChunk(c1, world.encoder);
    await encodeChunk(c2, world.encoder);
    const lastTwice = await Promise.all([encodeChunk(c3, world.encoder), encodeChunk(c3, world.encoder)]);
    const afterEnd = await encodeChunk(c1, world.encoder);

    // Assert
    expect(first).toEqual({ action: 'done', status: 'chunk-encoded' });
    expect(duplicate).toEqual({ action: 'done', status: 'chunk-encoded' });
    expect(lastTwice.map((outcome) => outcome.action === 'done' && outcome.status).sort()).toEqual([
      'chunk-encoded',
      'completed',
    ]);
    expect(afterEnd).toEqual({ action: 'done', status: 'completed' });
    const encoded = encodedChunks(world.logs, message.jobId);
    expect(encoded.filter((index) => index === 0)).toHaveLength(1);
    expect(await harness.table.store.get(message.jobId)).toMatchObject({
      status: 'completed',
      chunks: { total: 4, done: 4 },
    });
    expect(hooksFor(message.jobId).map((hook) => JSON.parse(hook.body).status)).toEqual(['completed']);
  });

  it('stops its chunks when the job is cancelled part-way, and removes what they wrote', async () => {
    // Arrange
    const world = chunkedWorld();
    const message = await enqueue(chunkedSpec('cancelled'));
    await processJob(message, world.processor);
    const [c0, ...rest] = world.sent as ChunkMessage[];

    // Act
    await encodeChunk(c0 as ChunkMessage, world.encoder);
    await harness.table.store.cancel(message.jobId, new Date());
    const after = [];
    for (const chunk of rest) after.push(await encodeChunk(chunk, world.encoder));

    // Assert
    expect(after).toEqual([
      { action: 'done', status: 'cancelled' },
      { action: 'done', status: 'cancelled' },
      { action: 'done', status: 'cancelled' },
    ]);
    expect(encodedChunks(world.logs, message.jobId)).toEqual([0]);
    expect(await harness.table.store.get(message.jobId)).toMatchObject({
      status: 'cancelled',
      chunks: { total: 4, done: 1 },
    });
    expect(hooksFor(message.jobId)).toEqual([]);
    expect(await scratchLeft(message.jobId)).toBe(0);
  });

  it('stops a chunk in the middle of its encode when the job is cancelled', async () => {
    // Arrange: an ffmpeg that waits before it encodes, long enough for the cancel to be seen.
    const bin = mkdtempSync(join(tmpdir(), 'auto-vid-chunk-slow-'));
    const slow = join(bin, 'ffmpeg');
    writeFileSync(
      slow,
      '#!/bin/sh\ncase "$*" in *-frames:v*) sleep 5 </dev/null >/dev/null 2>&1;; esac\nexec ffmpeg "$@"\n',
    );
    chmodSync(slow, 0o755);
    const world = chunkedWorld();
    const message = await enqueue(chunkedSpec('cancelled-mid-encode'));
    await processJob(message, world.processor);

    // Act
    process.env.FFMPEG_PATH = slow;
    const started = Date.now();
    const encoding = encodeChunk(world.sent[0] as ChunkMessage, world.encoder);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await harness.table.store.cancel(message.jobId, new Date());
    const outcome = await encoding;

    // Assert
    expect(outcome).toEqual({ action: 'done', status: 'cancelled' });
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(encodedChunks(world.logs, message.jobId)).toEqual([]);
    expect(await scratchLeft(message.jobId)).toBe(0);
  });
});
