import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegBinary } from '../../src/processor/render/ffmpeg.ts';
import {
  codeNearest,
  type FrameCodedVideo,
  findBeeps,
  frameAtBeep,
  keyframeIndices,
  makeFrameCodedVideo,
  perfectJoin,
  readFrameCodes,
  summarizeJoin,
} from '../support/frame-code.ts';

const work = mkdtempSync(join(tmpdir(), 'auto-vid-frame-code-'));
const FPS = 30;
const FRAMES = 120;
let source: FrameCodedVideo;

const range = (count: number) => Array.from({ length: count }, (_, index) => index);

function ffmpeg(...args: string[]): void {
  execFileSync(ffmpegBinary(), ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args]);
}

/** Re-encodes the picture alone with `filters`, every frame kept as it comes (no rate filling). */
function reencode(name: string, ...filters: string[]): string {
  const path = join(work, name);
  ffmpeg(
    ...['-i', source.path, '-map', '0:v', ...filters, '-fps_mode', 'passthrough'],
    ...['-c:v', 'libx264', '-crf', '30', '-pix_fmt', 'yuv420p', path],
  );
  return path;
}

/** Joins files by stream copy with the concat demuxer. */
function concat(name: string, parts: readonly string[]): string {
  const list = join(work, `${name}.txt`);
  writeFileSync(list, parts.map((part) => `file '${part}'\n`).join(''));
  const path = join(work, name);
  ffmpeg('-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', path);
  return path;
}

beforeAll(async () => {
  source = await makeFrameCodedVideo(join(work, 'source.mp4'), {
    width: 320,
    height: 180,
    fps: FPS,
    seconds: 4,
    gop: 30,
    audio: true,
  });
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('a frame-coded video', () => {
  it('carries its index in every frame, at n / fps', async () => {
    expect(source).toMatchObject({ frames: FRAMES, fps: FPS, gop: 30, videoStart: 0, seconds: 4 });
    const read = await readFrameCodes(source.path);
    expect(read.codes).toEqual(range(FRAMES));
    expect(read.times).toHaveLength(FRAMES);
    read.times.forEach((time, n) => {
      expect(time).toBeCloseTo(n / FPS, 3);
    });
  });

  it('has a keyframe every gop frames, and only there', async () => {
    expect(await keyframeIndices(source.path)).toEqual([0, 30, 60, 90]);
  });

  it('beeps at every whole second, in step with frame second × fps', async () => {
    const beeps = await findBeeps(source.path);
    expect(beeps).toHaveLength(4);
    beeps.forEach((beep, second) => {
      expect(Math.abs(beep - second)).toBeLessThan(0.002);
    });
    const read = await readFrameCodes(source.path);
    expect(beeps.map((beep) => codeNearest(read, beep))).toEqual([0, 30, 60, 90]);
    expect(beeps.map((beep) => frameAtBeep(Math.round(beep), FPS))).toEqual([0, 30, 60, 90]);
  });

  it('still reads exactly after a lossy re-encode, and after a downscale to half size', async () => {
    expect((await readFrameCodes(reencode('crf30.mp4'))).codes).toEqual(range(FRAMES));
    const small = reencode('small.mp4', '-vf', 'scale=160:90', '-crf', '35');
    expect((await readFrameCodes(small)).codes).toEqual(range(FRAMES));
  });

  it('reads exactly after a split at a keyframe and a join, both by stream copy', async () => {
    ffmpeg(
      ...['-i', source.path, '-map', '0:v', '-c', 'copy', '-f', 'segment'],
      ...['-segment_frames', '60', '-reset_timestamps', '1', join(work, 'part%d.mp4')],
    );
    const parts = [join(work, 'part0.mp4'), join(work, 'part1.mp4')];
    expect((await readFrameCodes(parts[1] as string)).codes).toEqual(range(60).map((n) => n + 60));
    const joined = await readFrameCodes(concat('joined.mp4', parts));
    expect(summarizeJoin(joined.codes, FRAMES)).toEqual(perfectJoin(FRAMES));
    joined.times.forEach((time, n) => {
      expect(time).toBeCloseTo(n / FPS, 3);
    });

    const swapped = await readFrameCodes(concat('swapped.mp4', [...parts].reverse()));
    expect(summarizeJoin(swapped.codes, FRAMES)).toEqual({
      ...perfectJoin(FRAMES),
      outOfOrder: [{ position: 60, code: 0, after: 119 }],
    });
  });

  it('tells a dropped frame, a doubled one and an overlap', async () => {
    const dropped = reencode('dropped.mp4', '-vf', 'select=not(eq(n\\,45))');
    expect(summarizeJoin((await readFrameCodes(dropped)).codes, FRAMES)).toEqual({
      ...perfectJoin(FRAMES - 1),
      missing: [45],
    });
    // Frames from 46 on come one frame later; the fps filter fills the gap with frame 45 again.
    const doubled = reencode('doubled.mp4', '-vf', `setpts='PTS+gte(N,46)/(${FPS}*TB)',fps=${FPS}`);
    expect(summarizeJoin((await readFrameCodes(doubled)).codes, FRAMES)).toEqual({
      ...perfectJoin(FRAMES + 1),
      duplicated: [45],
    });
    // Two chunks that both hold frames 58 and 59.
    const codes = [...range(60), 58, ...range(61).map((n) => n + 59)];
    expect(summarizeJoin(codes, FRAMES)).toEqual({
      ...perfectJoin(FRAMES + 2),
      duplicated: [58, 59],
      outOfOrder: [{ position: 60, code: 58, after: 59 }],
    });
    expect(summarizeJoin([0, 1, 2, 7], 3)).toEqual({ ...perfectJoin(4), unexpected: [7] });
  });

  it('refuses a frame whose code cannot be read, or marks it when asked', async () => {
    const greyed = reencode('greyed.mp4', '-vf', 'drawbox=c=gray:t=fill:enable=eq(n\\,10)');
    await expect(readFrameCodes(greyed)).rejects.toThrow(/frame 10 .*unreadable: block \d+ is grey/);
    const black = reencode('black.mp4', '-vf', 'drawbox=c=black:t=fill:enable=eq(n\\,10)');
    await expect(readFrameCodes(black)).rejects.toThrow(/frame 10 .*carries no code/);
    const marked = await readFrameCodes(black, { unreadable: 'mark' });
    expect(marked.codes).toEqual(range(FRAMES).map((n) => (n === 10 ? -1 : n)));
  });
});

describe('frame-coded videos of other shapes', () => {
  it('runs at 30000/1001 fps: frames at n × 1001 / 30000 s, the beep at 1 s by frame 30', async () => {
    const video = await makeFrameCodedVideo(join(work, 'ntsc.mp4'), {
      fps: '30000/1001',
      seconds: 4,
      gop: 30,
      audio: true,
    });
    expect(video.frames).toBe(120);
    const read = await readFrameCodes(video.path);
    expect(read.codes).toEqual(range(120));
    read.times.forEach((time, n) => {
      expect(time).toBeCloseTo((n * 1001) / 30000, 3);
    });
    const beeps = await findBeeps(video.path);
    expect(beeps).toHaveLength(5);
    beeps.forEach((beep, second) => {
      expect(Math.abs(beep - second)).toBeLessThan(0.002);
    });
    const expected = [0, 1, 2, 3, 4].map((second) => frameAtBeep(second, '30000/1001'));
    expect(expected).toEqual([0, 30, 60, 90, 120]);
    // The beep at 4 s comes after the last frame (at 3.97 s).
    expect(beeps.slice(0, 4).map((beep) => codeNearest(read, beep))).toEqual(expected.slice(0, 4));
  });

  it('starts its picture after its sound: the first frame, code 0, at videoStart', async () => {
    const video = await makeFrameCodedVideo(join(work, 'late.mp4'), {
      seconds: 4,
      gop: 30,
      videoStart: 0.04,
      audio: true,
    });
    expect(video).toMatchObject({ frames: FRAMES, videoStart: 0.04 });
    expect(video.seconds).toBeCloseTo(4.04, 9);
    const read = await readFrameCodes(video.path);
    expect(read.codes).toEqual(range(FRAMES));
    expect(read.times[0]).toBeCloseTo(0.04, 4);
    read.times.forEach((time, n) => {
      expect(time).toBeCloseTo(0.04 + n / FPS, 3);
    });
    const beeps = await findBeeps(video.path);
    expect(beeps).toHaveLength(5);
    beeps.forEach((beep, second) => {
      expect(Math.abs(beep - second)).toBeLessThan(0.002);
    });
    // The beep at 1 s: the picture has run 0.96 s, 28.8 frames; frame 29 (at 1.0067 s) is nearest.
    expect(frameAtBeep(1, FPS, 0.04)).toBe(29);
    const seconds = [1, 2, 3, 4];
    expect(seconds.map((second) => codeNearest(read, beeps[second] as number))).toEqual(
      seconds.map((second) => frameAtBeep(second, FPS, 0.04)),
    );
  });
});
