import { MEDIA_LIMIT_SETTINGS, type MediaLimits } from '../../policy/media-limits.ts';
import { MediaLimitError } from '../errors.ts';
import type { MediaProbe } from './probe.ts';

/** Refuses a source video beyond the limits; the message names the file, the value and the limit. */
export function checkVideoLimits(probe: MediaProbe, label: string, limits: MediaLimits): void {
  checkStreams(probe, label, limits);
  const video = probe.video;
  if (video && video.width * video.height > limits.maxVideoPixels) {
    refuse(
      label,
      `has ${video.width}×${video.height} frames (${video.width * video.height} pixels)`,
      'maxVideoPixels',
      `${limits.maxVideoPixels} pixels per frame`,
    );
  }
  if (probe.duration > limits.maxVideoSeconds) {
    refuse(label, `lasts ${seconds(probe.duration)}`, 'maxVideoSeconds', seconds(limits.maxVideoSeconds));
  }
  if (video && video.frameRate > limits.maxVideoFps) {
    refuse(label, `runs at ${round(video.frameRate)} fps`, 'maxVideoFps', `${limits.maxVideoFps} fps`);
  }
}

/** Refuses an audio asset beyond the limits. */
export function checkAudioLimits(probe: MediaProbe, label: string, limits: MediaLimits): void {
  checkStreams(probe, label, limits);
  if (probe.duration > limits.maxAudioSeconds) {
    refuse(label, `lasts ${seconds(probe.duration)}`, 'maxAudioSeconds', seconds(limits.maxAudioSeconds));
  }
}

function checkStreams(probe: MediaProbe, label: string, limits: MediaLimits): void {
  if (probe.streamCount > limits.maxStreamsPerFile) {
    refuse(label, `has ${probe.streamCount} streams`, 'maxStreamsPerFile', `${limits.maxStreamsPerFile}`);
  }
}

function refuse(label: string, what: string, limit: keyof MediaLimits, allowed: string): never {
  throw new MediaLimitError(
    `${label} ${what}, above the limit of ${allowed} (${MEDIA_LIMIT_SETTINGS[limit]})`,
  );
}

const round = (value: number): string => String(Math.round(value * 100) / 100);
const seconds = (value: number): string => `${round(value)} s`;
