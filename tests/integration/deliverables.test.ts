import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DeliverablesRequest, deliverablesSchema } from '@auto-vid/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeDeliverables } from '../../src/processor/deliverables/make-deliverables.ts';
import { makeVideo, meanLuma, probeDuration, probeStreams } from '../support/media.ts';

const work = mkdtempSync(join(tmpdir(), 'auto-vid-deliverables-'));
let mp4: string;

/** The codec and frame size of a file's first stream of `type`. */
function streamOf(path: string, type: 'video' | 'audio' = 'video') {
  const stream = probeStreams(path).find((s) => s.codec_type === type);
  return {
    codec: stream?.codec_name,
    width: stream?.width,
    height: stream?.height,
    bitRate: Number(stream?.bit_rate),
  };
}

/** Output fields as a client writes them, validated and defaulted as the API does. */
function outputOf(fields: Record<string, unknown>): DeliverablesRequest {
  return deliverablesSchema.parse(fields);
}

beforeAll(() => {
  // 20 s at 1280x720, 30 fps, with a tone; its first 6 s are black.
  mp4 = makeVideo(work, 'rendered.mp4', 20, { size: '1280x720', blackFor: 6 });
}, 60_000);

describe('makeDeliverables', () => {
  it('asks nothing of ffmpeg when the spec asks for nothing', async () => {
    expect(await makeDeliverables(outputOf({}), mp4, work, 'none')).toBeUndefined();
  });

  it('picks a representative poster, not a black frame, at the asked width', async () => {
    const made = await makeDeliverables(outputOf({ poster: true }), mp4, work, 'auto');
    expect(made?.poster).toMatchObject({ width: 1280, height: 720, format: 'jpg' });
    const path = made?.poster?.localPath as string;
    expect(streamOf(path)).toMatchObject({ codec: 'mjpeg', width: 1280, height: 720 });
    expect(meanLuma(path)).toBeGreaterThan(40);
  }, 60_000);

  it('falls back to the middle frame when every candidate is black', async () => {
    const dark = makeVideo(work, 'dark.mp4', 4, { blackFor: 10 });
    const made = await makeDeliverables(outputOf({ poster: { width: 160 } }), dark, work, 'dark');
    const path = made?.poster?.localPath as string;
    expect(streamOf(path)).toMatchObject({ codec: 'mjpeg', width: 160, height: 90 });
    expect(meanLuma(path)).toBeLessThan(20);
  }, 60_000);

  it('takes the poster at a time as webp, and the last frame for a time past the end', async () => {
    const at = await makeDeliverables(
      outputOf({ poster: { time: 2, width: 320, format: 'webp' } }),
      mp4,
      work,
      'at',
    );
    const path = at?.poster?.localPath as string;
    expect(streamOf(path)).toMatchObject({ codec: 'webp', width: 320, height: 180 });
    // Two seconds in is the black opening: the frame asked for, not a "better" one.
    expect(meanLuma(path)).toBeLessThan(20);
    const late = await makeDeliverables(outputOf({ poster: { time: 99 } }), mp4, work, 'late');
    expect(meanLuma(late?.poster?.localPath as string)).toBeGreaterThan(40);
  }, 60_000);

  it('lays thumbnails on one sprite and names each tile in a WebVTT track covering the video', async () => {
    const made = await makeDeliverables(
      outputOf({ thumbnails: { interval: 3, width: 160 } }),
      mp4,
      work,
      'thumbs',
    );
    const thumbnails = made?.thumbnails;
    expect(thumbnails?.count).toBe(7);
    expect(thumbnails?.sprite).toMatchObject({ width: 7 * 160, height: 90 });
    const sprite = streamOf(thumbnails?.sprite.localPath as string);
    expect(sprite).toMatchObject({ width: 1120, height: 90 });
    const track = readFileSync(thumbnails?.track.localPath as string, 'utf8');
    const cues = [
      ...track.matchAll(/(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})\n(.+)/g),
    ];
    expect(cues).toHaveLength(7);
    const seconds = (m: RegExpMatchArray, at: number) =>
      Number(m[at]) * 3600 + Number(m[at + 1]) * 60 + Number(m[at + 2]) + Number(m[at + 3]) / 1000;
    expect(seconds(cues[0] as RegExpMatchArray, 1)).toBe(0);
    expect(seconds(cues.at(-1) as RegExpMatchArray, 5)).toBeCloseTo(probeDuration(mp4), 2);
    for (const [i, cue] of cues.entries()) {
      if (i > 0) expect(seconds(cue, 1)).toBe(seconds(cues[i - 1] as RegExpMatchArray, 5));
      const [x, y, w, h] = (/#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec(cue[9] as string) ?? [])
        .slice(1)
        .map(Number);
      expect(cue[9]).toMatch(/^thumbs\.thumbnails\.jpg#xywh=/);
      expect((x as number) + (w as number)).toBeLessThanOrEqual(Number(sprite.width));
      expect((y as number) + (h as number)).toBeLessThanOrEqual(Number(sprite.height));
    }
  }, 60_000);

  it('encodes renditions at their heights and bitrates from one decode, never above the source', async () => {
    const made = await makeDeliverables(
      outputOf({
        renditions: ['source', { height: 480, bitrate: '1200k' }, { height: 360 }, { height: 1080 }],
      }),
      mp4,
      work,
      'r',
    );
    expect(made?.renditions.map((r) => [r.source, r.width, r.height, r.bitrate])).toEqual([
      [true, 1280, 720, undefined],
      [false, 854, 480, '1200k'],
      [false, 640, 360, '800k'],
    ]);
    for (const rendition of made?.renditions.filter((r) => !r.source) ?? []) {
      const video = streamOf(rendition.localPath);
      expect([video.codec, video.width, video.height]).toEqual(['h264', rendition.width, rendition.height]);
      const asked = Number.parseInt(rendition.bitrate as string, 10) * 1000;
      expect(Math.abs(video.bitRate - asked) / asked).toBeLessThan(0.15);
      expect(streamOf(rendition.localPath, 'audio').codec).toBe('aac');
      expect(Math.abs(probeDuration(rendition.localPath) - probeDuration(mp4))).toBeLessThan(0.05);
    }
  }, 120_000);
});
