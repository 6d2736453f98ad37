import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deliverablesSchema } from '@auto-vid/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { readMediaPlaylist } from '../../src/processor/deliverables/hls-package.ts';
import { type Deliverables, makeDeliverables } from '../../src/processor/deliverables/make-deliverables.ts';
import { makeVideo, probeDuration, probeStreams, videoPacketsMd5 } from '../support/media.ts';

const work = mkdtempSync(join(tmpdir(), 'auto-vid-hls-'));
const FPS = 30;
const SECONDS = 20;
let mp4: string;
let made: Deliverables | undefined;

/** Presentation times of the video's keyframes, seconds, as ffprobe reads them through a playlist. */
function keyframeTimes(path: string): number[] {
  const out = execFileSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-skip_frame',
      'nokey',
      '-show_entries',
      'frame=pts_time',
      '-of',
      'csv=p=0',
      path,
    ],
    { encoding: 'utf8' },
  );
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => Number(line.split(',')[0]));
}

function playlist(name: string) {
  const directory = made?.hls?.directory as string;
  return readMediaPlaylist(readFileSync(join(directory, `${name}.m3u8`), 'utf8'));
}

beforeAll(async () => {
  // 20 s at 640x360, 30 fps, x264's default GOP of 250 frames: keyframes at 0, 8.33 and 16.67 s.
  mp4 = makeVideo(work, 'rendered.mp4', SECONDS, { size: '640x360', fps: FPS });
  const request = deliverablesSchema.parse({
    renditions: [{ height: 240 }],
    hls: { renditions: ['source', { height: 240 }, { height: 180, bitrate: '300k' }], segmentSeconds: 4 },
  });
  made = await makeDeliverables(request, mp4, work, 'clip');
}, 120_000);

describe('the HLS package', () => {
  it('is a master playlist ffprobe opens, with each variant and the shared audio', () => {
    const master = join(made?.hls?.directory as string, 'master.m3u8');
    const streams = probeStreams(master);
    const video = streams.filter((s) => s.codec_type === 'video').map((s) => `${s.width}x${s.height}`);
    expect(video).toEqual(['640x360', '426x240', '320x180']);
    expect(streams.filter((s) => s.codec_type === 'audio').every((s) => s.codec_name === 'aac')).toBe(true);
    const text = readFileSync(master, 'utf8');
    expect(text).toMatch(
      /^#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="Audio",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="1",URI="audio.m3u8"$/m,
    );
    const variants = [...text.matchAll(/^#EXT-X-STREAM-INF:(.*)\n(.*)$/gm)].map((m) => [m[1], m[2]]);
    expect(variants.map(([, uri]) => uri)).toEqual(['source.m3u8', '240p.m3u8', '180p.m3u8']);
    for (const [attributes] of variants) {
      expect(attributes).toMatch(
        /^BANDWIDTH=\d+,AVERAGE-BANDWIDTH=\d+,RESOLUTION=\d+x\d+,CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2",FRAME-RATE=30\.000,AUDIO="audio"$/,
      );
    }
    for (const variant of made?.hls?.variants ?? []) {
      expect(variant.bandwidth).toBeGreaterThanOrEqual(variant.averageBandwidth);
      expect(probeDuration(join(made?.hls?.directory as string, `${variant.name}.m3u8`))).toBeCloseTo(
        SECONDS,
        1,
      );
    }
  });

  it('copies the source video: the same packets, segments cut on its own keyframes', () => {
    const source = join(made?.hls?.directory as string, 'source.m3u8');
    expect(videoPacketsMd5(source)).toBe(videoPacketsMd5(mp4));
    const segments = playlist('source');
    const gop = 250 / FPS;
    // Each segment starts on a keyframe of the source and lasts at most one GOP.
    expect(segments.map((s) => s.duration)).toEqual(
      [gop, gop, SECONDS - 2 * gop].map((d) => expect.closeTo(d, 2)),
    );
    expect(segments.reduce((sum, s) => sum + s.duration, 0)).toBeCloseTo(SECONDS, 2);
  });

  it('cuts encoded variants on the segment length, their keyframes aligned', () => {
    for (const name of ['240p', '180p']) {
      expect(playlist(name).map((s) => s.duration)).toEqual([4, 4, 4, 4, 4].map((d) => expect.closeTo(d, 2)));
    }
    const directory = made?.hls?.directory as string;
    const keyframes240 = keyframeTimes(join(directory, '240p.m3u8'));
    expect(keyframeTimes(join(directory, '180p.m3u8'))).toEqual(keyframes240);
    // One every 2 s (the largest interval up to 2 s dividing 4 s), from the first frame's time.
    const steps = keyframes240.slice(1).map((t, i) => t - (keyframes240[i] as number));
    expect(steps).toEqual(Array(9).fill(expect.closeTo(2, 3)));
  });

  it('encodes each height once: the 240p MP4 rendition is the 240p variant', () => {
    const rendition = made?.renditions.find((r) => r.height === 240);
    expect(rendition?.localPath).toBe(join(work, 'clip.240p.mp4'));
    expect(statSync(join(work, 'clip.hls.180p.mp4')).size).toBeGreaterThan(0);
    expect(() => statSync(join(work, 'clip.hls.240p.mp4'))).toThrow();
    expect(videoPacketsMd5(join(made?.hls?.directory as string, '240p.m3u8'))).toBe(
      videoPacketsMd5(rendition?.localPath as string),
    );
  });

  it('meets the asked bitrate of an encoded variant within 15%', () => {
    const variant = made?.hls?.variants.find((v) => v.name === '180p');
    const audio = made?.hls?.audio?.averageBitsPerSecond ?? 0;
    const video = (variant?.averageBandwidth ?? 0) - audio;
    expect(video).toBeGreaterThan(300_000 * 0.85);
    expect(video).toBeLessThan(300_000 * 1.15);
  });

  it('lists every file to upload, the master among them', () => {
    const files = made?.hls?.files ?? [];
    expect(files).toContain('master.m3u8');
    expect(files.filter((f) => f.endsWith('_init.mp4')).sort()).toEqual([
      '180p_init.mp4',
      '240p_init.mp4',
      'audio_init.mp4',
      'source_init.mp4',
    ]);
    expect(files.filter((f) => f.startsWith('source_') && f.endsWith('.m4s'))).toHaveLength(3);
  });
});
