import { describe, expect, it } from 'vitest';
import { DEFAULT_MEDIA_LIMITS } from '../../../src/policy/media-limits.ts';
import { MediaLimitError } from '../../../src/processor/errors.ts';
import { checkAudioLimits, checkVideoLimits } from '../../../src/processor/render/media-limits.ts';
import type { MediaProbe } from '../../../src/processor/render/probe.ts';

const video = (patch: Partial<MediaProbe> & { size?: [number, number]; fps?: number } = {}): MediaProbe => ({
  formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
  demuxer: 'mov',
  streamCount: 2,
  duration: 60,
  hasAudio: true,
  video: {
    codec: 'h264',
    pixelFormat: 'yuv420p',
    width: patch.size?.[0] ?? 1920,
    height: patch.size?.[1] ?? 1080,
    frameRate: patch.fps ?? 30,
    startOffset: 0,
  },
  ...patch,
});

const refusal = (check: () => void): string => {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(MediaLimitError);
    return (error as Error).message;
  }
  return 'accepted';
};

describe('media limits with their defaults', () => {
  const label = "Video asset 'v'";
  const checkVideo = (probe: MediaProbe) =>
    refusal(() => checkVideoLimits(probe, label, DEFAULT_MEDIA_LIMITS));

  it('accept 4096×2304 (and its portrait twin) at 120 fps for 3 hours with 16 streams', () => {
    expect(checkVideo(video({ size: [4096, 2304], fps: 120, duration: 10_800, streamCount: 16 }))).toBe(
      'accepted',
    );
    expect(checkVideo(video({ size: [2304, 4096] }))).toBe('accepted');
  });

  it.each([
    [
      'frames of 8192×8192 (the 198 KB file that took 9.1 GB)',
      video({ size: [8192, 8192] }),
      "Video asset 'v' has 8192×8192 frames (67108864 pixels), above the limit of 9437184 pixels per frame (MAX_VIDEO_PIXELS)",
    ],
    [
      'a declared 20 hours',
      video({ duration: 72_000 }),
      "Video asset 'v' lasts 72000 s, above the limit of 10800 s (MAX_VIDEO_SECONDS)",
    ],
    [
      'a declared 100 hours',
      video({ duration: 360_000 }),
      "Video asset 'v' lasts 360000 s, above the limit of 10800 s (MAX_VIDEO_SECONDS)",
    ],
    [
      '1000 fps',
      video({ fps: 1000 }),
      "Video asset 'v' runs at 1000 fps, above the limit of 120 fps (MAX_VIDEO_FPS)",
    ],
    [
      '17 streams',
      video({ streamCount: 17 }),
      "Video asset 'v' has 17 streams, above the limit of 16 (MAX_STREAMS_PER_FILE)",
    ],
  ])('refuse %s', (_name, probe, message) => {
    expect(checkVideo(probe)).toBe(message);
  });

  it('refuse an audio asset over 3 hours', () => {
    const { video: _, ...audio } = video({ duration: 10_801, streamCount: 1 });
    expect(refusal(() => checkAudioLimits(audio, "Audio asset 'a'", DEFAULT_MEDIA_LIMITS))).toBe(
      "Audio asset 'a' lasts 10801 s, above the limit of 10800 s (MAX_AUDIO_SECONDS)",
    );
  });
});
