import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JobSpecInput, LOUDNESS_PRESETS, parseJobSpec } from '@auto-vid/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { RenderError } from '../../src/processor/errors.ts';
import { measureLoudness, runFfmpeg } from '../../src/processor/render/ffmpeg.ts';
import { type RenderResult, renderJob } from '../../src/processor/render-job.ts';
import { createEspeakSynthesizer } from '../../src/processor/speech/espeak.ts';
import {
  countFrames,
  levelDb,
  makePinkNoise,
  makeVideo,
  measureFile,
  probeDuration,
  readPcm,
  videoPacketsMd5,
} from '../support/media.ts';

/**
 * Loudness targets, measured with ebur128 on the rendered files: mixes 10 LU under and 10 LU over
 * each target, made of pink noise (music) and loud noise bursts (effects) that the gain alone would
 * push over the true-peak ceiling.
 */

const dir = mkdtempSync(join(tmpdir(), 'auto-vid-loudness-'));
const SECONDS = 8;
/** ffmpeg's pink noise at its default amplitude, measured by the same filter. */
let noiseLufs = 0;
let video = '';

beforeAll(() => {
  video = makeVideo(dir, 'video.mp4', SECONDS);
  noiseLufs = measureFile(makePinkNoise(dir, 'reference.wav', SECONDS, 0)).integrated;
});

/** Music at `lufs` and three bursts (0.1 s, 6 LU above it by default), as one spec with the target. */
function mixAt(
  lufs: number,
  loudness: JobSpecInput['output']['audio'],
  burst = { seconds: 0.1, above: 6 },
): JobSpecInput {
  const name = `mix${lufs}-${burst.seconds}-${burst.above}`.replace('-', 'm');
  const music = makePinkNoise(dir, `${name}.wav`, SECONDS, lufs - noiseLufs);
  const bursts = makePinkNoise(dir, `${name}-burst.wav`, burst.seconds, lufs + burst.above - noiseLufs);
  return {
    assets: {
      video: { id: 'video', source: video },
      audio: [
        { id: 'music', source: music },
        { id: 'burst', source: bursts },
      ],
    },
    backgroundMusic: { playlist: ['music'], volume: 1 },
    timeline: [1, 3.5, 6].map((start) => ({ start, type: 'audio', data: { assetId: 'burst', volume: 1 } })),
    output: { filename: `${name}.mp4`, audio: loudness },
  };
}

async function render(input: JobSpecInput): Promise<RenderResult> {
  const outputDirectory = mkdtempSync(join(dir, 'out-'));
  return renderJob(parseJobSpec(input), {
    speech: createEspeakSynthesizer(),
    localMode: true,
    outputDirectory,
  });
}

const TARGETS = [
  { name: 'streaming', loudness: 'streaming' as const, ...LOUDNESS_PRESETS.streaming },
  { name: 'podcast', loudness: 'podcast' as const, ...LOUDNESS_PRESETS.podcast },
  { name: 'broadcast', loudness: 'broadcast' as const, ...LOUDNESS_PRESETS.broadcast },
  { name: 'a custom target', loudness: { integrated: -20, truePeak: -3 }, integrated: -20, truePeak: -3 },
];

describe.each(TARGETS)('the $name target', ({ loudness, integrated, truePeak }) => {
  it.each([
    ['10 LU too quiet', -10],
    ['10 LU too loud', 10],
  ])('brings a mix %s to it, under its true-peak ceiling, the video untouched', async (_, offset) => {
    const spec = mixAt(integrated + offset, { loudness });
    const result = await render(spec);

    const measured = await measureLoudness(result.localPath);
    expect(Math.abs((measured.integratedLufs ?? 0) - integrated)).toBeLessThanOrEqual(0.5);
    expect(measured.truePeakDbtp).toBeLessThanOrEqual(truePeak);
    expect(result.copiedVideo).toBe(true);
    expect(videoPacketsMd5(result.localPath)).toBe(videoPacketsMd5(video));
    expect(Math.abs(probeDuration(result.localPath) - SECONDS)).toBeLessThan(0.05);
  });
});

describe('a loudness target', () => {
  it('starts from a mix that is as far off as it claims: the same job without one', async () => {
    const quiet = await render(mixAt(-24, undefined));
    const loud = await render(mixAt(-4, undefined));
    // The bursts add a little to the music's -24.
    const quietLufs = (await measureLoudness(quiet.localPath)).integratedLufs ?? 0;
    expect(quietLufs).toBeGreaterThanOrEqual(-24);
    expect(quietLufs).toBeLessThan(-23);
    // Without a target the final limiter holds the peaks at -0.2 dBFS: the mix stays far too loud.
    expect((await measureLoudness(loud.localPath)).integratedLufs).toBeGreaterThan(-8);
  });

  it('gives back the loudness its limiter takes from long loud bursts', async () => {
    const result = await render(mixAt(-30, { loudness: 'streaming' }, { seconds: 0.6, above: 10 }));
    const measured = await measureLoudness(result.localPath);
    expect(Math.abs((measured.integratedLufs ?? 0) + 14)).toBeLessThanOrEqual(0.5);
    expect(measured.truePeakDbtp).toBeLessThanOrEqual(-1);
  });

  it('levels a re-encoded video too, encoding its frames once', async () => {
    const spec = mixAt(-30, { loudness: 'podcast' });
    const result = await render({ ...spec, output: { ...spec.output, encoding: { video: 'encode' } } });
    const measured = await measureLoudness(result.localPath);
    expect(Math.abs((measured.integratedLufs ?? 0) + 16)).toBeLessThanOrEqual(0.5);
    expect(result.copiedVideo).toBe(false);
    expect(countFrames(result.localPath)).toBe(SECONDS * 30);
  });

  it('leaves a silent track, and a mix under the -70 LUFS gate, as they are', async () => {
    const silent = await render({
      assets: { video: { id: 'video', source: video }, audio: [] },
      timeline: [],
      output: { filename: 'silent.mp4', audio: { loudness: 'streaming' } },
    });
    expect((await measureLoudness(silent.localPath)).integratedLufs).toBeNull();
    const whisper = await render(mixAt(-80, { loudness: 'streaming' }));
    expect((await measureLoudness(whisper.localPath)).integratedLufs).toBeNull();
    expect(levelDb(readPcm(whisper.localPath), 0.5, 7.5)).toBeLessThan(-75);
  });

  it("reports only ffmpeg's errors when a measuring run fails, not its info log", async () => {
    const args = ['-f', 'lavfi', '-i', 'anullsrc', '-t', '1', '-c:a', 'nosuchcodec', '-f', 'null', '-'];
    await expect(runFfmpeg(args, { duration: 1, infoLines: 120 })).rejects.toThrow(
      new RenderError("ffmpeg failed: Unknown encoder 'nosuchcodec'"),
    );
  });
});
