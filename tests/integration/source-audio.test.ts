import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JobSpecInput, parseJobSpec } from '@auto-vid/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { MediaLimitError } from '../../src/processor/errors.ts';
import { renderJob } from '../../src/processor/render-job.ts';
import { createEspeakSynthesizer } from '../../src/processor/speech/espeak.ts';
import {
  levelDb,
  makeTone,
  makeVideo,
  probeDuration,
  readPcm,
  TONE_DB,
  videoPacketsMd5,
} from '../support/media.ts';

/**
 * The source video's own audio in the mix, the music ducked under it, and the music's own fades
 * and start: levels measured in the rendered files' frequency bands (source 300 Hz, music 440 Hz,
 * effect 1500 Hz).
 */

const dir = mkdtempSync(join(tmpdir(), 'auto-vid-source-audio-'));
const SECONDS = 12;
const media = { video: '', talking: '', mute: '', music: '', lateMusic: '', sfx: '' };

beforeAll(() => {
  media.video = makeVideo(dir, 'video.mp4', SECONDS);
  media.talking = makeVideo(dir, 'talking.mp4', SECONDS, { tone: { start: 4, end: 8 } });
  media.mute = makeVideo(dir, 'mute.mp4', SECONDS, { tone: false });
  media.music = makeTone(dir, 'music.wav', 440, 6);
  media.lateMusic = makeTone(dir, 'late-music.wav', 440, 6, 2);
  media.sfx = makeTone(dir, 'sfx.wav', 1500, 2);
});

async function render(partial: Partial<JobSpecInput> & { video?: JobSpecInput['assets']['video'] }) {
  const { video, ...rest } = partial;
  const spec = parseJobSpec({
    assets: {
      video: video ?? { id: 'video', source: media.video },
      audio: [
        { id: 'music', source: media.music },
        { id: 'late', source: media.lateMusic },
        { id: 'sfx', source: media.sfx },
      ],
    },
    timeline: [],
    output: { filename: 'out.mp4' },
    ...rest,
  });
  const outputDirectory = mkdtempSync(join(dir, 'out-'));
  return renderJob(spec, { speech: createEspeakSynthesizer(), localMode: true, outputDirectory });
}

const GAIN = (level: number) => 20 * Math.log10(level);

describe("the source video's own audio", () => {
  it('is mixed in at its volume when kept, the video packets untouched', async () => {
    const result = await render({
      video: { id: 'video', source: media.video, audio: { keep: true, volume: 0.5 } },
    });
    const source = readPcm(result.localPath, 300);
    expect(levelDb(source, 0.2, 11.8)).toBeCloseTo(TONE_DB + GAIN(0.5), 0);
    expect(videoPacketsMd5(result.localPath)).toBe(videoPacketsMd5(media.video));
  });

  it('is absent when not kept, as before', async () => {
    for (const video of [
      { id: 'video', source: media.video },
      { id: 'video', source: media.video, audio: { keep: false, volume: 1 } },
    ]) {
      const result = await render({ video, backgroundMusic: { playlist: ['music'], volume: 1 } });
      expect(levelDb(readPcm(result.localPath, 300), 0.2, 11.8)).toBeLessThan(TONE_DB - 40);
      expect(levelDb(readPcm(result.localPath, 440), 0.2, 11.8)).toBeCloseTo(TONE_DB, 0);
    }
  });

  it('is ducked to its duckingLevel under a ducking clip, with that clip’s ramps', async () => {
    const result = await render({
      video: { id: 'video', source: media.video, audio: { keep: true, duckingLevel: 0.25 } },
      timeline: [
        {
          start: 4,
          type: 'audio',
          data: { assetId: 'sfx', volume: 0.5, duckingLevel: 0.5, duckingFadeDuration: 1 },
        },
      ],
    });
    const source = readPcm(result.localPath, 300);
    const base = levelDb(source, 1, 2.8);
    expect(base).toBeCloseTo(TONE_DB, 0);
    expect(Math.abs(levelDb(source, 4.2, 5.8) - base - GAIN(0.25))).toBeLessThan(1.5);
    // Down over 3-4 s, up over 6-7 s, in 0.2 s windows.
    const down = [3.1, 3.4, 3.7].map((t) => levelDb(source, t, t + 0.2) - base);
    expect(down[0]).toBeGreaterThan(down[1] as number);
    expect(down[1]).toBeGreaterThan(down[2] as number);
    const up = [6.1, 6.4, 6.7].map((t) => levelDb(source, t, t + 0.2) - base);
    expect(up[0]).toBeLessThan(up[1] as number);
    expect(up[1]).toBeLessThan(up[2] as number);
    expect(Math.abs(levelDb(source, 7.5, 11.5) - base)).toBeLessThan(0.5);
  });

  it('may be missing: a source without audio renders with the rest of the mix', async () => {
    const result = await render({
      video: { id: 'video', source: media.mute, audio: { keep: true } },
      backgroundMusic: { playlist: ['music'], volume: 1, duckUnderSource: true },
    });
    expect(levelDb(readPcm(result.localPath, 440), 0.2, 11.8)).toBeCloseTo(TONE_DB, 0);
    expect(Math.abs(probeDuration(result.localPath) - SECONDS)).toBeLessThanOrEqual(1 / 30);
  });
});

describe('music ducked under the source audio', () => {
  const talking = { id: 'video', source: '', audio: { keep: true } };

  it('is at least 6 dB lower while the source carries sound than in its silent parts', async () => {
    const result = await render({
      video: { ...talking, source: media.talking },
      backgroundMusic: { playlist: ['music'], volume: 1, duckUnderSource: true },
    });
    const music = readPcm(result.localPath, 440);
    const quiet = levelDb(music, 1, 3.5);
    expect(quiet).toBeCloseTo(TONE_DB, 0);
    expect(levelDb(music, 4.5, 7.5)).toBeLessThan(quiet - 6);
    // Released 0.4 s after the source stops.
    expect(Math.abs(levelDb(music, 9.5, 11.5) - quiet)).toBeLessThan(1);
    expect(levelDb(readPcm(result.localPath, 300), 4.5, 7.5)).toBeCloseTo(TONE_DB, 0);
  });

  it('follows the ratio given: 2:1 lowers the music less than the default 8:1', async () => {
    const result = await render({
      video: { ...talking, source: media.talking },
      backgroundMusic: { playlist: ['music'], volume: 1, duckUnderSource: { threshold: -40, ratio: 2 } },
    });
    const music = readPcm(result.localPath, 440);
    const depth = levelDb(music, 1, 3.5) - levelDb(music, 4.5, 7.5);
    // Measured here: 8:1 (the default) lowers the music by 16 dB, 2:1 by 9.
    expect(depth).toBeGreaterThan(5);
    expect(depth).toBeLessThan(11);
  });

  it('follows a threshold above the source level: nothing to duck', async () => {
    const result = await render({
      video: { ...talking, source: media.talking },
      backgroundMusic: { playlist: ['music'], volume: 1, duckUnderSource: { threshold: -6, ratio: 4 } },
    });
    const music = readPcm(result.localPath, 440);
    expect(Math.abs(levelDb(music, 4.5, 7.5) - levelDb(music, 1, 3.5))).toBeLessThan(0.5);
  });
});

describe('music fades and start', () => {
  it('fades in from the video start and out to its end', async () => {
    const result = await render({
      backgroundMusic: { playlist: ['music'], volume: 1, fadeIn: 2, fadeOut: 3 },
    });
    const music = readPcm(result.localPath, 440);
    const full = levelDb(music, 4, 8);
    expect(full).toBeCloseTo(TONE_DB, 0);
    expect(levelDb(music, 0, 0.1)).toBeLessThan(full - 20);
    // Linear fades: half the amplitude (-6 dB) half way through each.
    expect(Math.abs(levelDb(music, 0.95, 1.05) - full - GAIN(0.5))).toBeLessThan(1);
    expect(Math.abs(levelDb(music, 10.45, 10.55) - full - GAIN(0.5))).toBeLessThan(1);
    expect(levelDb(music, 11.9, 12)).toBeLessThan(full - 20);
  });

  it('starts startAt seconds into the first track, and loops from its start', async () => {
    const plain = readPcm(
      (await render({ backgroundMusic: { playlist: ['late'], volume: 1, crossfadeDuration: 0 } })).localPath,
      440,
    );
    expect(levelDb(plain, 0.1, 1.9)).toBeLessThan(TONE_DB - 40);
    const skipped = await render({
      backgroundMusic: { playlist: ['late'], volume: 1, crossfadeDuration: 0, startAt: 2 },
    });
    const music = readPcm(skipped.localPath, 440);
    expect(levelDb(music, 0.1, 3.9)).toBeCloseTo(TONE_DB, 0);
    // The first play is 4 s long; the loop then starts at the track's silent opening.
    expect(levelDb(music, 4.1, 5.9)).toBeLessThan(TONE_DB - 40);
    expect(levelDb(music, 6.1, 9.9)).toBeCloseTo(TONE_DB, 0);
  });

  it('fails the job when startAt is past the first track', async () => {
    await expect(render({ backgroundMusic: { playlist: ['music'], volume: 1, startAt: 6 } })).rejects.toThrow(
      new MediaLimitError('backgroundMusic.startAt (6 s) is not inside the first track, which lasts 6 s'),
    );
  });
});
