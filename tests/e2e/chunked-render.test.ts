import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJobSpec } from '@auto-vid/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderJob } from '../../src/processor/render-job.ts';
import { createEspeakSynthesizer } from '../../src/processor/speech/espeak.ts';
import { callApi } from '../support/api-contract.ts';
import { type DevProcess, startDevProcess } from '../support/dev-process.ts';
import {
  codeNearest,
  findBeeps,
  frameAtBeep,
  makeFrameCodedVideo,
  perfectJoin,
  readFrameCodes,
  summarizeJoin,
} from '../support/frame-code.ts';
import { countFrames, frameMd5s, measureFile, probeStreams } from '../support/media.ts';

// Chunked re-encodes through `auto-vid dev` as a user runs it: two chunk encoders, re-encodes over
// 4 s split into 3 s chunks. The source carries its frame index drawn in each frame and a beep at
// every whole second, so a frame lost, doubled or moved at a chunk boundary is seen by number.

// biome-ignore lint/suspicious/noExplicitAny: answers are free-form JSON; the assertions give them their shape
type JsonObject = Record<string, any>;

const media = mkdtempSync(join(tmpdir(), 'auto-vid-chunked-e2e-'));
const SECONDS = 12;
const FPS = 30;
let dev: DevProcess;
let source: string;
/** Keyframes every 20 frames: chunk starts (2/3 s apart) that the 25 fps grid does not meet. */
let offGrid: string;

beforeAll(async () => {
  [source, offGrid] = await Promise.all([
    makeFrameCodedVideo(join(media, 'coded.mp4'), { seconds: SECONDS, fps: FPS, gop: FPS, audio: true }).then(
      (video) => video.path,
    ),
    makeFrameCodedVideo(join(media, 'off-grid.mp4'), {
      seconds: SECONDS,
      fps: FPS,
      gop: 20,
      audio: true,
    }).then((video) => video.path),
  ]);
  // The polls below (every 100 ms) would use up the template's usage plan (2/s, 50 a day).
  dev = await startDevProcess(join(media, 'data'), [
    '--rate',
    '100',
    '--burst',
    '200',
    '--quota',
    '100000',
    '--chunk-workers',
    '2',
    '--chunk-threshold',
    '4',
    '--chunk-seconds',
    '3',
  ]);
}, 120_000);

afterAll(async () => {
  await dev?.stop();
});

/** Submits a job and polls it until it ends, keeping every view seen on the way. */
async function runJob(spec: unknown): Promise<{ final: JsonObject; seen: JsonObject[] }> {
  const submitted = await callApi(dev.url, 'POST', '/submit', { key: dev.apiKey, body: spec });
  expect(submitted.status).toBe(200);
  const jobId = submitted.json.jobId as string;
  const seen: JsonObject[] = [];
  for (let poll = 0; poll < 600; poll++) {
    const { json } = await callApi(dev.url, 'GET', `/status/${jobId}`, { key: dev.apiKey });
    seen.push(json);
    if (['completed', 'failed', 'cancelled'].includes(json.status)) return { final: json, seen };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Job ${jobId} did not end`);
}

function durations(path: string): { video?: string; audio?: string } {
  const streams = probeStreams(path);
  return {
    video: streams.find((stream) => stream.codec_type === 'video')?.duration,
    audio: streams.find((stream) => stream.codec_type === 'audio')?.duration,
  };
}

function specOf(video: string, folder: string, output: Record<string, unknown>, timeline: unknown[] = []) {
  mkdirSync(folder, { recursive: true });
  return {
    assets: { video: { id: 'v', source: video, audio: { keep: true } }, audio: [] },
    timeline,
    output: { filename: 'out.mp4', destination: `${folder}/`, ...output },
  };
}

describe('auto-vid dev with chunk encoders', () => {
  it('names the chunk options in its help', () => {
    const help = spawnSync(process.execPath, ['bin/auto-vid.js', 'dev', '--help'], { encoding: 'utf8' });
    expect(help.stdout).toContain('--chunk-workers <n>');
    expect(help.stdout).toContain('--chunk-threshold <seconds>');
    expect(help.stdout).toContain('--chunk-seconds <seconds>');
  });

  it('joins a lossless chunked re-encode into exactly the source frames, in sync with the audio', async () => {
    // Arrange: x264 at crf 0 is lossless, so each output frame must decode to the source's own.
    const folder = join(media, 'lossless');
    const spec = specOf(source, folder, { encoding: { video: 'encode', preset: 'medium', crf: 0 } });

    // Act
    const { final, seen } = await runJob(spec);

    // Assert
    expect(final.status).toBe('completed');
    expect(final.chunks).toEqual({ total: 4, done: 4 });
    const running = seen.filter((view) => view.status === 'processing' && view.chunks);
    expect(running.length).toBeGreaterThan(0);
    for (const view of running) expect(view.progress).toBe(15 + Math.floor((80 * view.chunks.done) / 4));
    const output = join(folder, 'out.mp4');
    expect(frameMd5s(output)).toEqual(frameMd5s(source));
    const read = await readFrameCodes(output);
    expect(summarizeJoin(read.codes, SECONDS * FPS)).toEqual(perfectJoin(SECONDS * FPS));
    expect(read.times.map((time, frame) => Math.abs(time - frame / FPS) < 0.001)).not.toContain(false);
    expect(durations(output)).toEqual({ video: '12.000000', audio: '12.000000' });
    // Each beep (one at every whole second) is heard within one frame of the frame it was made with.
    const beeps = await findBeeps(output);
    expect(beeps).toHaveLength(SECONDS);
    for (const beep of beeps) {
      const second = Math.round(beep);
      expect(Math.abs(beep - second)).toBeLessThan(1 / FPS);
      expect(codeNearest(read, beep)).toBe(frameAtBeep(second, FPS));
    }
  });

  it('writes a new frame rate, captions drawn and muxed, and a loudness target as one run does', async () => {
    // Arrange: the same job rendered in one run beside it, as the reference.
    const folder = join(media, 'captioned');
    const timeline = [
      { start: 1, type: 'tts', data: { text: 'The first chunk ends here.' } },
      { start: 5.5, type: 'tts', data: { text: 'A caption across a boundary.' } },
    ];
    const output = {
      encoding: { video: 'encode', preset: 'veryfast', crf: 23, fps: 25 },
      captions: { burnIn: true, track: true, formats: ['vtt'] },
      audio: { loudness: { integrated: -16, truePeak: -1.5 } },
    };
    const spec = specOf(offGrid, folder, output, timeline);
    const single = mkdtempSync(join(media, 'single-'));

    // Act
    const [{ final }, reference] = await Promise.all([
      runJob(spec),
      renderJob(parseJobSpec({ ...spec, output: { ...spec.output, destination: undefined } }), {
        speech: createEspeakSynthesizer(),
        localMode: true,
        outputDirectory: single,
      }),
    ]);

    // Assert
    expect(final.status).toBe('completed');
    expect(final.chunks.total).toBeGreaterThan(2);
    const chunked = join(folder, 'out.mp4');
    expect(countFrames(chunked)).toBe(SECONDS * 25);
    expect(countFrames(chunked)).toBe(countFrames(reference.localPath));
    const codes = (await readFrameCodes(chunked)).codes;
    const single25 = (await readFrameCodes(reference.localPath)).codes;
    // ffmpeg's rate conversion picks each slot's frame with some lag (up to two source frames in one
    // run too), and each chunk starts it afresh: each slot shows the frame one run shows there, or
    // one within two source frames of it, and no source frame twice or out of order.
    const apart = codes.map((code, slot) => Math.abs(code - (single25[slot] as number)));
    expect(Math.max(...apart)).toBeLessThanOrEqual(2);
    expect(codes.every((code, slot) => slot === 0 || code > (codes[slot - 1] as number))).toBe(true);
    expect(durations(chunked)).toEqual({ video: '12.000000', audio: '12.000000' });
    expect(probeStreams(chunked).find((stream) => stream.codec_type === 'subtitle')?.codec_name).toBe(
      'mov_text',
    );
    expect(final.output.captions.map((caption: JsonObject) => caption.format)).toEqual(['vtt']);
    const loudness = measureFile(chunked);
    expect(Math.abs(loudness.integrated - -16)).toBeLessThan(0.5);
  });
});
